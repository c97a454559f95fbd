"""Writes of the portal: sign-in (signin), accounts and profiles (accounts), a resident's
message on a case (messages)."""
