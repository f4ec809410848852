"""Personal data under PDPL 91/2025/QH15 and Decree 356/2025: notice, retention, data-subject requests, register."""
