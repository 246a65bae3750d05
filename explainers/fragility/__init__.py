"""Attacks on interpretation (Ghorbani et al. 2019; Dombrowski et al. 2019) and their measures."""
from explainers.fragility.attack import AttackSettings, Attacked, attack
from explainers.fragility.maps import attackable_methods
from explainers.fragility.metrics import MapChange, map_change
from explainers.fragility.objectives import KINDS
from explainers.fragility.report import FragilityReport, MapPair, fragility

__all__ = ["AttackSettings", "Attacked", "FragilityReport", "KINDS", "MapChange",
           "MapPair", "attack", "attackable_methods", "fragility", "map_change"]
