"""Field visits: logging, places and distances, the day plan, and offline sync."""
