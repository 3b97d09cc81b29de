"""Channel adapters: SMTP email, SMS and webhooks over HTTP; call-centre tasks live in the store."""

from parcours.orchestrate.channels._base import Channel, Message, Result, message_id
from parcours.orchestrate.channels.http import SmsChannel, WebhookChannel
from parcours.orchestrate.channels.smtp import SmtpChannel

__all__ = [
    "Channel",
    "Message",
    "Result",
    "SmsChannel",
    "SmtpChannel",
    "WebhookChannel",
    "message_id",
]
