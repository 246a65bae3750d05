"""Attacks on interpretation (Ghorbani et al. 2019; Dombrowski et al. 2019) and their measures."""
from explainers.fragility.attack import AttackSettings, Attacked, attack
from explainers.fragility.maps import MAPS
from explainers.fragility.metrics import MapChange, map_change
from explainers.fragility.objectives import KINDS
from explainers.fragility.report import FragilityReport, MapPair, fragility

__all__ = ["AttackSettings", "Attacked", "FragilityReport", "KINDS", "MAPS", "MapChange",
           "MapPair", "attack", "fragility", "map_change"]
