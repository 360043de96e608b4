"""gunicorn settings for Préau's workers (``make serve`` passes ``-c deploy/gunicorn.conf.py``; a server
can pass the same file).

A worker keeps for its whole life what loading the application made (modules, URL patterns, models,
compiled templates: about 240,000 objects tracked by the garbage collector). Python's collector walks
them again at every collection of the older generations, a pause of up to ~12 ms taken by whichever
request happens to allocate at that moment. ``gc.freeze()`` once the application is loaded moves them out
of the collector's sight (objects still freed by reference counting; only cycles among them are no longer
looked for), so that a collection walks what requests allocate.
"""

import gc


def post_worker_init(worker):
    gc.freeze()
