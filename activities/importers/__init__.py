"""Importers of the activities app's past records (活动参加名单, 比赛队伍和赛果, 荣誉名单, 获奖名单); see each module."""
