"""The event feed: a ticket's timeline rows, given a place in one commit-ordered feed after
they commit, read by consumers following a cursor and delivered to webhooks."""
