"""Jobs off the UI thread: a stop with work still queued cancels it quietly (the demo under
systemd logged a CancelledError traceback on SIGTERM)."""

import logging
import threading

from kiosk.system.jobs import Jobs


def test_stopping_with_queued_jobs_logs_no_traceback(caplog):
    posted = []
    jobs = Jobs(posted.append, workers=1)
    release = threading.Event()
    jobs.submit(release.wait, 5)  # the one worker is busy
    queued = jobs.submit(lambda: "never", on_done=posted.append, on_error=posted.append)
    with caplog.at_level(logging.ERROR):
        jobs.shutdown()
        release.set()
    assert queued.cancelled()
    assert posted == [] and not [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]


def test_a_failing_job_reaches_its_error_callback():
    posted = []
    jobs = Jobs(lambda fn: fn(), workers=1)
    done = threading.Event()
    jobs.submit(lambda: 1 / 0, on_error=lambda exc: (posted.append(type(exc).__name__), done.set()))
    assert done.wait(5) and posted == ["ZeroDivisionError"]
    jobs.shutdown()
