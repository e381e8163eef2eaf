from modelgw.api.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ProtectRequest(_message.Message):
    __slots__ = ("tenant", "request_id", "session_id", "messages", "destination")
    TENANT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    DESTINATION_FIELD_NUMBER: _ClassVar[int]
    tenant: str
    request_id: str
    session_id: str
    messages: _containers.RepeatedCompositeFieldContainer[_common_pb2.ChatMessage]
    destination: _common_pb2.Locality
    def __init__(self, tenant: _Optional[str] = ..., request_id: _Optional[str] = ..., session_id: _Optional[str] = ..., messages: _Optional[_Iterable[_Union[_common_pb2.ChatMessage, _Mapping]]] = ..., destination: _Optional[_Union[_common_pb2.Locality, str]] = ...) -> None: ...

class VaultEntry(_message.Message):
    __slots__ = ("placeholder", "value", "entity_type")
    PLACEHOLDER_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    ENTITY_TYPE_FIELD_NUMBER: _ClassVar[int]
    placeholder: str
    value: str
    entity_type: str
    def __init__(self, placeholder: _Optional[str] = ..., value: _Optional[str] = ..., entity_type: _Optional[str] = ...) -> None: ...

class ProtectResponse(_message.Message):
    __slots__ = ("messages", "vault", "summary")
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    VAULT_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    messages: _containers.RepeatedCompositeFieldContainer[_common_pb2.ChatMessage]
    vault: _containers.RepeatedCompositeFieldContainer[VaultEntry]
    summary: _common_pb2.TrustSummary
    def __init__(self, messages: _Optional[_Iterable[_Union[_common_pb2.ChatMessage, _Mapping]]] = ..., vault: _Optional[_Iterable[_Union[VaultEntry, _Mapping]]] = ..., summary: _Optional[_Union[_common_pb2.TrustSummary, _Mapping]] = ...) -> None: ...

class RestoreRequest(_message.Message):
    __slots__ = ("tenant", "vault", "text")
    TENANT_FIELD_NUMBER: _ClassVar[int]
    VAULT_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    tenant: str
    vault: _containers.RepeatedCompositeFieldContainer[VaultEntry]
    text: str
    def __init__(self, tenant: _Optional[str] = ..., vault: _Optional[_Iterable[_Union[VaultEntry, _Mapping]]] = ..., text: _Optional[str] = ...) -> None: ...

class RestoreResponse(_message.Message):
    __slots__ = ("text",)
    TEXT_FIELD_NUMBER: _ClassVar[int]
    text: str
    def __init__(self, text: _Optional[str] = ...) -> None: ...

class ScanResponseRequest(_message.Message):
    __slots__ = ("tenant", "request_id", "segments", "vault", "prompt_texts", "destination")
    TENANT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SEGMENTS_FIELD_NUMBER: _ClassVar[int]
    VAULT_FIELD_NUMBER: _ClassVar[int]
    PROMPT_TEXTS_FIELD_NUMBER: _ClassVar[int]
    DESTINATION_FIELD_NUMBER: _ClassVar[int]
    tenant: str
    request_id: str
    segments: _containers.RepeatedScalarFieldContainer[str]
    vault: _containers.RepeatedCompositeFieldContainer[VaultEntry]
    prompt_texts: _containers.RepeatedScalarFieldContainer[str]
    destination: _common_pb2.Locality
    def __init__(self, tenant: _Optional[str] = ..., request_id: _Optional[str] = ..., segments: _Optional[_Iterable[str]] = ..., vault: _Optional[_Iterable[_Union[VaultEntry, _Mapping]]] = ..., prompt_texts: _Optional[_Iterable[str]] = ..., destination: _Optional[_Union[_common_pb2.Locality, str]] = ...) -> None: ...

class ScanResponseResponse(_message.Message):
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
