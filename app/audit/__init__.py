"""The hash-chained audit log: appending events and verifying chains."""
