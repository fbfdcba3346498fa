"""A `roster watch` handler for tests: appends the JSON it reads on stdin as
one line to the file named by its first argument; exits with the second."""
import json
import sys

data = json.load(sys.stdin)
with open(sys.argv[1], "a") as f:
    f.write(json.dumps(data) + "\n")
sys.exit(int(sys.argv[2]) if len(sys.argv) > 2 else 0)
