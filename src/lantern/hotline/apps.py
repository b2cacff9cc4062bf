from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "lantern.hotline"
    label = "hotline"
    verbose_name = "Hotline"

    def ready(self) -> None:
        from lantern.hotline import timeline
        from lantern.register.hooks import timeline_sources

        if timeline.hotline_events not in timeline_sources:
            timeline_sources.append(timeline.hotline_events)
