"""The managers' dashboard: funnel, breakdowns, target, map, exports and the stats API."""
