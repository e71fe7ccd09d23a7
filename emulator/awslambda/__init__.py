"""AWS Lambda without Docker: functions run their deployed zip in a subprocess."""
