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


# ---- rows that exist ------------------------------------------------------------------------------
# Random UUIDs almost never name a row, so without help every request with a queue, product, user,
# article or customer id would stop at the 422 above. npm run fuzz passes the ids of the demo rows
# (FUZZ_IDS, JSON) and each generated request is also tried with a real one, so the fuzzer reaches
# the workflow's own rules (transfers, assignments, linked articles) too.
import json
import os

from hypothesis import strategies as st

IDS = json.loads(os.environ.get("FUZZ_IDS", "{}"))
BODY_FIELDS = {"queueId": "queues", "productId": "products", "userId": "staff", "articleId": "articles"}
PATH_FIELDS = {"caseNumber": "cases", "id": "rows"}


def _with_real(values: dict, fields: dict) -> "st.SearchStrategy":
    present = [(field, IDS.get(kind) or []) for field, kind in fields.items() if field in values]
    present = [(field, ids) for field, ids in present if ids]
    if not present:
        return st.just(values)
    replaced = st.tuples(*(st.sampled_from(ids) for _, ids in present)).map(
        lambda picked: {**values, **{field: value for (field, _), value in zip(present, picked)}}
    )
    return st.one_of(st.just(values), replaced)


@schemathesis.hook
def flatmap_body(context, body):
    if not isinstance(body, dict):
        return st.just(body)
    strategy = _with_real(body, BODY_FIELDS)
    contacts = IDS.get("contacts") or []
    if isinstance(body.get("customer"), dict) and contacts:
        strategy = strategy.flatmap(
            lambda b: st.one_of(st.just(b), st.sampled_from(contacts).map(lambda c: {**b, "customer": {"type": "contact", "id": c}}))
        )
    return strategy


@schemathesis.hook
def flatmap_path_parameters(context, path_parameters):
    if not isinstance(path_parameters, dict):
        return st.just(path_parameters)
    return _with_real(path_parameters, PATH_FIELDS)
