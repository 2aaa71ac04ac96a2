"""Webhooks (Standard Webhooks): subscriptions, and the delivery of the event feed to them,
signed, retried, in order per ticket, in the server or as `hotline deliver-webhooks`."""
