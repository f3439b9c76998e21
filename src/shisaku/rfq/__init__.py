"""Requests for quotation: invitations with reply-time promises, quotes, comparison, award."""
