"""Run protocol-client coroutines from the browser tests' synchronous code."""

import asyncio
import threading


def run_async(coroutine, timeout: float = 120):
    """Run a coroutine on its own loop in a thread, beside Playwright's loop.

    Args:
        coroutine: The coroutine.
        timeout: Seconds to wait for it.

    Returns:
        What it returned.
    """
    result: dict = {}

    def target():
        try:
            result["value"] = asyncio.run(coroutine)
        except BaseException as error:  # re-raised in the caller's thread
            result["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise TimeoutError("The protocol clients did not finish in time.")
    if "error" in result:
        raise result["error"]
    return result.get("value")
