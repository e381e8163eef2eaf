import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from modelgw.api.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ExportFormat(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EXPORT_FORMAT_UNSPECIFIED: _ClassVar[ExportFormat]
    EXPORT_FORMAT_JSONL: _ClassVar[ExportFormat]
    EXPORT_FORMAT_CSV: _ClassVar[ExportFormat]
EXPORT_FORMAT_UNSPECIFIED: ExportFormat
EXPORT_FORMAT_JSONL: ExportFormat
EXPORT_FORMAT_CSV: ExportFormat

class AuditRecord(_message.Message):
    __slots__ = ("request_id", "tenant", "api_key_id", "end_user", "session_id", "started_at", "finished_at", "model", "route", "masked_prompt", "masked_response", "trust", "usage", "latency_ms", "status", "error", "streamed", "trace_id", "cost_usd", "cache_hit", "policy_decisions", "sealed_raw", "seq", "prev_hash", "record_hash", "client_request_id", "tenant_version", "masked_stop", "operation", "masked_tools", "tool_choice", "parallel_tool_calls", "response_format", "masked_tool_calls")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_FIELD_NUMBER: _ClassVar[int]
    API_KEY_ID_FIELD_NUMBER: _ClassVar[int]
    END_USER_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    FINISHED_AT_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    ROUTE_FIELD_NUMBER: _ClassVar[int]
    MASKED_PROMPT_FIELD_NUMBER: _ClassVar[int]
    MASKED_RESPONSE_FIELD_NUMBER: _ClassVar[int]
    TRUST_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    STREAMED_FIELD_NUMBER: _ClassVar[int]
    TRACE_ID_FIELD_NUMBER: _ClassVar[int]
    COST_USD_FIELD_NUMBER: _ClassVar[int]
    CACHE_HIT_FIELD_NUMBER: _ClassVar[int]
    POLICY_DECISIONS_FIELD_NUMBER: _ClassVar[int]
    SEALED_RAW_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    PREV_HASH_FIELD_NUMBER: _ClassVar[int]
    RECORD_HASH_FIELD_NUMBER: _ClassVar[int]
    CLIENT_REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_VERSION_FIELD_NUMBER: _ClassVar[int]
    MASKED_STOP_FIELD_NUMBER: _ClassVar[int]
    OPERATION_FIELD_NUMBER: _ClassVar[int]
    MASKED_TOOLS_FIELD_NUMBER: _ClassVar[int]
    TOOL_CHOICE_FIELD_NUMBER: _ClassVar[int]
    PARALLEL_TOOL_CALLS_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_FORMAT_FIELD_NUMBER: _ClassVar[int]
    MASKED_TOOL_CALLS_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    tenant: str
    api_key_id: str
    end_user: str
    session_id: str
    started_at: _timestamp_pb2.Timestamp
    finished_at: _timestamp_pb2.Timestamp
    model: str
    route: _common_pb2.RouteInfo
    masked_prompt: _containers.RepeatedCompositeFieldContainer[_common_pb2.ChatMessage]
    masked_response: str
    trust: _common_pb2.TrustSummary
    usage: _common_pb2.Usage
    latency_ms: float
    status: str
    error: str
    streamed: bool
    trace_id: str
    cost_usd: float
    cache_hit: bool
    policy_decisions: _containers.RepeatedScalarFieldContainer[str]
    sealed_raw: bytes
    seq: int
    prev_hash: str
    record_hash: str
    client_request_id: str
    tenant_version: int
    masked_stop: _containers.RepeatedScalarFieldContainer[str]
    operation: str
    masked_tools: _containers.RepeatedCompositeFieldContainer[_common_pb2.ToolDefinition]
    tool_choice: _common_pb2.ToolChoice
    parallel_tool_calls: bool
    response_format: _common_pb2.ResponseFormat
    masked_tool_calls: _containers.RepeatedCompositeFieldContainer[_common_pb2.ToolCall]
    def __init__(self, request_id: _Optional[str] = ..., tenant: _Optional[str] = ..., api_key_id: _Optional[str] = ..., end_user: _Optional[str] = ..., session_id: _Optional[str] = ..., started_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., finished_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., model: _Optional[str] = ..., route: _Optional[_Union[_common_pb2.RouteInfo, _Mapping]] = ..., masked_prompt: _Optional[_Iterable[_Union[_common_pb2.ChatMessage, _Mapping]]] = ..., masked_response: _Optional[str] = ..., trust: _Optional[_Union[_common_pb2.TrustSummary, _Mapping]] = ..., usage: _Optional[_Union[_common_pb2.Usage, _Mapping]] = ..., latency_ms: _Optional[float] = ..., status: _Optional[str] = ..., error: _Optional[str] = ..., streamed: _Optional[bool] = ..., trace_id: _Optional[str] = ..., cost_usd: _Optional[float] = ..., cache_hit: _Optional[bool] = ..., policy_decisions: _Optional[_Iterable[str]] = ..., sealed_raw: _Optional[bytes] = ..., seq: _Optional[int] = ..., prev_hash: _Optional[str] = ..., record_hash: _Optional[str] = ..., client_request_id: _Optional[str] = ..., tenant_version: _Optional[int] = ..., masked_stop: _Optional[_Iterable[str]] = ..., operation: _Optional[str] = ..., masked_tools: _Optional[_Iterable[_Union[_common_pb2.ToolDefinition, _Mapping]]] = ..., tool_choice: _Optional[_Union[_common_pb2.ToolChoice, _Mapping]] = ..., parallel_tool_calls: _Optional[bool] = ..., response_format: _Optional[_Union[_common_pb2.ResponseFormat, _Mapping]] = ..., masked_tool_calls: _Optional[_Iterable[_Union[_common_pb2.ToolCall, _Mapping]]] = ...) -> None: ...

class IngestRequest(_message.Message):
    __slots__ = ("records",)
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    records: _containers.RepeatedCompositeFieldContainer[AuditRecord]
    def __init__(self, records: _Optional[_Iterable[_Union[AuditRecord, _Mapping]]] = ...) -> None: ...

class IngestResponse(_message.Message):
    __slots__ = ("stored", "duplicates", "dead_lettered")
    STORED_FIELD_NUMBER: _ClassVar[int]
    DUPLICATES_FIELD_NUMBER: _ClassVar[int]
    DEAD_LETTERED_FIELD_NUMBER: _ClassVar[int]
    stored: int
    duplicates: int
    dead_lettered: int
    def __init__(self, stored: _Optional[int] = ..., duplicates: _Optional[int] = ..., dead_lettered: _Optional[int] = ...) -> None: ...

class QueryRecordsRequest(_message.Message):
    __slots__ = ("tenant", "since", "until", "end_user", "model", "page_size", "page_token", "provider", "entity_type", "decision", "status", "client_request_id")
    TENANT_FIELD_NUMBER: _ClassVar[int]
    SINCE_FIELD_NUMBER: _ClassVar[int]
    UNTIL_FIELD_NUMBER: _ClassVar[int]
    END_USER_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    ENTITY_TYPE_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CLIENT_REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    tenant: str
    since: _timestamp_pb2.Timestamp
    until: _timestamp_pb2.Timestamp
    end_user: str
    model: str
    page_size: int
    page_token: str
    provider: str
    entity_type: str
    decision: str
    status: str
    client_request_id: str
    def __init__(self, tenant: _Optional[str] = ..., since: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_user: _Optional[str] = ..., model: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., provider: _Optional[str] = ..., entity_type: _Optional[str] = ..., decision: _Optional[str] = ..., status: _Optional[str] = ..., client_request_id: _Optional[str] = ...) -> None: ...

class QueryRecordsResponse(_message.Message):
    __slots__ = ("records", "next_page_token")
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    records: _containers.RepeatedCompositeFieldContainer[AuditRecord]
    next_page_token: str
    def __init__(self, records: _Optional[_Iterable[_Union[AuditRecord, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetRecordRequest(_message.Message):
    __slots__ = ("tenant", "request_id")
    TENANT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    tenant: str
    request_id: str
    def __init__(self, tenant: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class ExportRequest(_message.Message):
    __slots__ = ("filter", "format")
    FILTER_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    filter: QueryRecordsRequest
    format: ExportFormat
    def __init__(self, filter: _Optional[_Union[QueryRecordsRequest, _Mapping]] = ..., format: _Optional[_Union[ExportFormat, str]] = ...) -> None: ...

class ExportChunk(_message.Message):
    __slots__ = ("data", "records_done", "records_total")
    DATA_FIELD_NUMBER: _ClassVar[int]
    RECORDS_DONE_FIELD_NUMBER: _ClassVar[int]
    RECORDS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    records_done: int
    records_total: int
    def __init__(self, data: _Optional[bytes] = ..., records_done: _Optional[int] = ..., records_total: _Optional[int] = ...) -> None: ...

class VerifyRequest(_message.Message):
    __slots__ = ("tenant", "from_seq", "to_seq")
    TENANT_FIELD_NUMBER: _ClassVar[int]
    FROM_SEQ_FIELD_NUMBER: _ClassVar[int]
    TO_SEQ_FIELD_NUMBER: _ClassVar[int]
    tenant: str
    from_seq: int
    to_seq: int
    def __init__(self, tenant: _Optional[str] = ..., from_seq: _Optional[int] = ..., to_seq: _Optional[int] = ...) -> None: ...

class VerifyProblem(_message.Message):
    __slots__ = ("kind", "seq", "request_id", "detail")
    KIND_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    kind: str
    seq: int
    request_id: str
    detail: str
    def __init__(self, kind: _Optional[str] = ..., seq: _Optional[int] = ..., request_id: _Optional[str] = ..., detail: _Optional[str] = ...) -> None: ...

class VerifyResponse(_message.Message):
    __slots__ = ("ok", "records_checked", "checkpoints_checked", "problems", "notes")
    OK_FIELD_NUMBER: _ClassVar[int]
    RECORDS_CHECKED_FIELD_NUMBER: _ClassVar[int]
    CHECKPOINTS_CHECKED_FIELD_NUMBER: _ClassVar[int]
    PROBLEMS_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    ok: bool
    records_checked: int
    checkpoints_checked: int
    problems: _containers.RepeatedCompositeFieldContainer[VerifyProblem]
    notes: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, ok: _Optional[bool] = ..., records_checked: _Optional[int] = ..., checkpoints_checked: _Optional[int] = ..., problems: _Optional[_Iterable[_Union[VerifyProblem, _Mapping]]] = ..., notes: _Optional[_Iterable[str]] = ...) -> None: ...
