"""One article's brief: the request (request.py), the call with its checks and re-ask
(summarize.py, reask.py), long articles in parts (longform.py), the answer made a Brief
(answers.py)."""
