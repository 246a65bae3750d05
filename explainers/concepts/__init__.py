"""Concept-based explanations: TCAV (Kim et al. 2018) on a layer of an image model."""
from explainers.concepts.cav import Cav, fit_cav, tcav_score
from explainers.concepts.relative import relative_tcav
from explainers.concepts.run import TimedTcav, run_tcav
from explainers.concepts.significance import Significance, t_test
from explainers.concepts.tcav import ConceptScore, TcavResult, tcav

__all__ = ["Cav", "ConceptScore", "Significance", "TcavResult", "TimedTcav", "fit_cav",
           "relative_tcav", "run_tcav", "t_test", "tcav", "tcav_score"]
