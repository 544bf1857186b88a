"""Factories for the registry: a site of the owner's team with a pressure gauge and a breaker."""

from __future__ import annotations

import factory

from apps.inspection.models import Equipment, EquipmentType, Site
from apps.inspection.readings import tag_key


class SiteFactory(factory.django.DjangoModelFactory[Site]):
    class Meta:
        model = Site

    name = factory.Sequence(lambda n: f"Substation {n}")
    location = "East yard"


class EquipmentFactory(factory.django.DjangoModelFactory[Equipment]):
    class Meta:
        model = Equipment

    site = factory.SubFactory(SiteFactory)
    name = "Discharge pressure gauge"
    tag = factory.Sequence(lambda n: f"PT-{200 + n}")
    tag_key = factory.LazyAttribute(lambda e: tag_key(e.tag))
    type = EquipmentType.PRESSURE_GAUGE
    unit = "MPa"
    normal_min = 0.2
    normal_max = 1.0
    alarm_min = 0.1
    alarm_max = 1.2
