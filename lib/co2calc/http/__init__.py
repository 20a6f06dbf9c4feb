"""HTTP helpers shared by every HTTP function."""

from co2calc.http.api import Api, json_response, problem_response
from co2calc.http.context import RequestContext
from co2calc.http.router import Route, Router

__all__ = ["Api", "RequestContext", "Route", "Router", "json_response", "problem_response"]
