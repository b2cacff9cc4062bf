from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "lantern.assistance"
    label = "assistance"
    verbose_name = "Assistance and protection"

    def ready(self) -> None:
        from lantern.assistance import timeline
        from lantern.register.hooks import timeline_sources

        if timeline.assistance_events not in timeline_sources:
            timeline_sources.append(timeline.assistance_events)
