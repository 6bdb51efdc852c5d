"""Device adapters: printers and scanners behind small interfaces, chosen by a config string.

No Kivy here. Reader threads hand frames to a callback; the app moves them to the UI thread.
Every device has a simulated twin (PNG-preview printer, pty scanner) used by the demo and tests.
"""
