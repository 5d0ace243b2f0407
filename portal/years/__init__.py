"""Years of the emulation cycle: each year's deadlines and whether it takes submissions.

Below every area that works by years (initiatives, council, emulation), above core only.
"""
