"""The shared kernel every app uses: nothing domain-specific (healthchecks' ``hc/lib``)."""
