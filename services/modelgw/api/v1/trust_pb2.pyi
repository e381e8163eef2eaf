from modelgw.api.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ProtectRequest(_message.Message):
    __slots__ = ("tenant", "request_id", "session_id", "key_id", "end_user", "texts", "localities", "tenant_policy_json")
    TENANT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    END_USER_FIELD_NUMBER: _ClassVar[int]
    TEXTS_FIELD_NUMBER: _ClassVar[int]
    LOCALITIES_FIELD_NUMBER: _ClassVar[int]
    TENANT_POLICY_JSON_FIELD_NUMBER: _ClassVar[int]
    tenant: str
    request_id: str
    session_id: str
    key_id: str
    end_user: str
    texts: _containers.RepeatedScalarFieldContainer[str]
    localities: _containers.RepeatedScalarFieldContainer[_common_pb2.Locality]
    tenant_policy_json: str
    def __init__(self, tenant: _Optional[str] = ..., request_id: _Optional[str] = ..., session_id: _Optional[str] = ..., key_id: _Optional[str] = ..., end_user: _Optional[str] = ..., texts: _Optional[_Iterable[str]] = ..., localities: _Optional[_Iterable[_Union[_common_pb2.Locality, str]]] = ..., tenant_policy_json: _Optional[str] = ...) -> None: ...

class VaultEntry(_message.Message):
    __slots__ = ("placeholder", "value", "entity_type")
    PLACEHOLDER_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    ENTITY_TYPE_FIELD_NUMBER: _ClassVar[int]
    placeholder: str
    value: str
    entity_type: str
    def __init__(self, placeholder: _Optional[str] = ..., value: _Optional[str] = ..., entity_type: _Optional[str] = ...) -> None: ...

class MaskedTexts(_message.Message):
    __slots__ = ("locality", "texts", "summary")
    LOCALITY_FIELD_NUMBER: _ClassVar[int]
    TEXTS_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    locality: _common_pb2.Locality
    texts: _containers.RepeatedScalarFieldContainer[str]
    summary: _common_pb2.TrustSummary
    def __init__(self, locality: _Optional[_Union[_common_pb2.Locality, str]] = ..., texts: _Optional[_Iterable[str]] = ..., summary: _Optional[_Union[_common_pb2.TrustSummary, _Mapping]] = ...) -> None: ...

class ProtectResponse(_message.Message):
    __slots__ = ("vault", "masked", "entity_types", "reserved_placeholders")
    VAULT_FIELD_NUMBER: _ClassVar[int]
    MASKED_FIELD_NUMBER: _ClassVar[int]
    ENTITY_TYPES_FIELD_NUMBER: _ClassVar[int]
    RESERVED_PLACEHOLDERS_FIELD_NUMBER: _ClassVar[int]
    vault: _containers.RepeatedCompositeFieldContainer[VaultEntry]
    masked: _containers.RepeatedCompositeFieldContainer[MaskedTexts]
    entity_types: _containers.RepeatedScalarFieldContainer[str]
    reserved_placeholders: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, vault: _Optional[_Iterable[_Union[VaultEntry, _Mapping]]] = ..., masked: _Optional[_Iterable[_Union[MaskedTexts, _Mapping]]] = ..., entity_types: _Optional[_Iterable[str]] = ..., reserved_placeholders: _Optional[_Iterable[str]] = ...) -> None: ...

class ScanContext(_message.Message):
    __slots__ = ("tenant", "request_id", "tenant_policy_json", "vault", "reserved_placeholders", "prompt_texts", "destination")
    TENANT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_POLICY_JSON_FIELD_NUMBER: _ClassVar[int]
    VAULT_FIELD_NUMBER: _ClassVar[int]
    RESERVED_PLACEHOLDERS_FIELD_NUMBER: _ClassVar[int]
    PROMPT_TEXTS_FIELD_NUMBER: _ClassVar[int]
    DESTINATION_FIELD_NUMBER: _ClassVar[int]
    tenant: str
    request_id: str
    tenant_policy_json: str
    vault: _containers.RepeatedCompositeFieldContainer[VaultEntry]
    reserved_placeholders: _containers.RepeatedScalarFieldContainer[str]
    prompt_texts: _containers.RepeatedScalarFieldContainer[str]
    destination: _common_pb2.Locality
    def __init__(self, tenant: _Optional[str] = ..., request_id: _Optional[str] = ..., tenant_policy_json: _Optional[str] = ..., vault: _Optional[_Iterable[_Union[VaultEntry, _Mapping]]] = ..., reserved_placeholders: _Optional[_Iterable[str]] = ..., prompt_texts: _Optional[_Iterable[str]] = ..., destination: _Optional[_Union[_common_pb2.Locality, str]] = ...) -> None: ...

class ScanAnswerRequest(_message.Message):
    __slots__ = ("context", "segments", "deadline_ms")
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    SEGMENTS_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_MS_FIELD_NUMBER: _ClassVar[int]
    context: ScanContext
    segments: _containers.RepeatedScalarFieldContainer[str]
    deadline_ms: int
    def __init__(self, context: _Optional[_Union[ScanContext, _Mapping]] = ..., segments: _Optional[_Iterable[str]] = ..., deadline_ms: _Optional[int] = ...) -> None: ...

class ScanAnswerResponse(_message.Message):
    __slots__ = ("segments", "new_vault_entries", "findings", "toxicity", "cut")
    SEGMENTS_FIELD_NUMBER: _ClassVar[int]
    NEW_VAULT_ENTRIES_FIELD_NUMBER: _ClassVar[int]
    FINDINGS_FIELD_NUMBER: _ClassVar[int]
    TOXICITY_FIELD_NUMBER: _ClassVar[int]
    CUT_FIELD_NUMBER: _ClassVar[int]
    segments: _containers.RepeatedScalarFieldContainer[str]
    new_vault_entries: _containers.RepeatedCompositeFieldContainer[VaultEntry]
    findings: _containers.RepeatedCompositeFieldContainer[_common_pb2.EntityFinding]
    toxicity: float
    cut: bool
    def __init__(self, segments: _Optional[_Iterable[str]] = ..., new_vault_entries: _Optional[_Iterable[_Union[VaultEntry, _Mapping]]] = ..., findings: _Optional[_Iterable[_Union[_common_pb2.EntityFinding, _Mapping]]] = ..., toxicity: _Optional[float] = ..., cut: _Optional[bool] = ...) -> None: ...
