"""Paths of the reference files the tests compare against (found via the data home)."""

import json

from sknar.datasets import get_data_home


def nb201_file(name):
    return get_data_home() / "nasbench201" / name


def nb101_file(name):
    return get_data_home() / "nasbench101" / name


def nar_nb201_record():
    with open(nb201_file("nar_nasbench201_vertice_example.json")) as handle:
        return json.load(handle)["0"]


def nar_nb101_record():
    with open(nb101_file("nar_nasbench101_vertice_example.json")) as handle:
        return json.load(handle)[0]
