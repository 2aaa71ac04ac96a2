"""Hotline: one queue for every complaint channel, routed and watched."""
