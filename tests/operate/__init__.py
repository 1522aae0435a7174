"""Process admins running processes in production: incidents, migrations, corrections, timers and messages."""
