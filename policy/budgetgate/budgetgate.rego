# METADATA
# title: budgetgate decision API
# description: |-
#   Entrypoint for deploy decisions in OPA REST style
#   (POST /v1/data/budgetgate/decision with {"input": {"deploy": {...}}}).
#   The budget data document lives beside it under data.budgetgate.
package budgetgate

import data.budgetgate.lib.gate

# METADATA
# title: Deploy decision
# description: |-
#   Decides whether input.deploy may ship now. An input without a deploy
#   object is decided as a deploy with no type and no vertical, so it is
#   denied.
# entrypoint: true
decision := gate.decide(_deploy, budget_data, time.now_ns())

# METADATA
# description: |-
#   The budget data document under data.budgetgate (revision, computed_at_ns,
#   config and verticals), without the rules of the budgetgate packages.
#   A key that the data lacks is absent here too.
budget_data["revision"] := data.budgetgate.revision

budget_data["computed_at_ns"] := data.budgetgate.computed_at_ns

budget_data["config"] := data.budgetgate.config

budget_data["verticals"] := data.budgetgate.verticals

_deploy := input.deploy if {
	is_object(input.deploy)
} else := {}
