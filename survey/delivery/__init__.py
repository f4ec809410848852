"""Delivering survey invitations by SMS: the phone box, the gateway senders, the message queue and opt-outs."""
