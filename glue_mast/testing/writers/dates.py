"""Header dates derived from an observation date, never from the clock."""

from __future__ import annotations

import datetime

from .noise import Noise

__all__ = ["hms", "mjd", "parse_date", "processing_date", "start_seconds"]


def parse_date(date_obs):
    return datetime.date.fromisoformat(date_obs)


def mjd(date_obs, seconds=0.0):
    return float((parse_date(date_obs) - datetime.date(1858, 11, 17)).days) + seconds / 86400.0


def start_seconds(seed):
    """A start time of day (s), so TIME-OBS varies between observations but not runs."""
    return float(int(Noise(seed).uniform(1)[0] * 86400.0))


def hms(seconds):
    seconds = int(seconds)
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def processing_date(date_obs, days=1):
    """The date a pipeline wrote the file: a fixed delay after the observation."""
    return (parse_date(date_obs) + datetime.timedelta(days=days)).isoformat()
