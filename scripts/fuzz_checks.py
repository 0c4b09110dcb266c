"""The check npm run fuzz runs besides not_a_server_error (loaded through SCHEMATHESIS_HOOKS).

valid_requests_not_refused is schemathesis' positive_data_acceptance with two exceptions, the rules
of the API a JSON Schema cannot state:
- an id in the request must name a row that exists (a queue, a product, a user, a customer, an
  article, an activity of the case), and an assignee must be staff;
- staff must name the customer of a case they open (a customer may leave it out: their own).
/openapi.json says so in those fields' descriptions, and the server refuses with 422 naming the
field. A 422 is let through only when every error it lists is one of these; any other refusal of a
schema-valid request still fails the run.
"""
import re

import schemathesis
from schemathesis.specs.openapi.checks import positive_data_acceptance

UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
UNKNOWN_ID = re.compile(
    rf"^(no (queue|product|user|account|contact|published knowledge article)( with id)? {UUID}"
    rf"|the case has no activity {UUID}"
    r"|cases can only be assigned to agents, supervisors or administrators"
    r"|give the customer \(a contact or an account\))$"
)


def only_unknown_ids(response) -> bool:
    if response.status_code != 422:
        return False
    try:
        errors = response.json().get("errors") or []
    except Exception:
        return False
    return bool(errors) and all(UNKNOWN_ID.match(str(error.get("detail", ""))) for error in errors)


@schemathesis.check
def valid_requests_not_refused(ctx, response, case):
    if only_unknown_ids(response):
        return None
    return positive_data_acceptance(ctx, response, case)
