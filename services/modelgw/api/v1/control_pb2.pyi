import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ResolveApiKeyRequest(_message.Message):
    __slots__ = ("key_sha256",)
    KEY_SHA256_FIELD_NUMBER: _ClassVar[int]
    key_sha256: str
    def __init__(self, key_sha256: _Optional[str] = ...) -> None: ...

class Principal(_message.Message):
    __slots__ = ("tenant", "key_id", "roles", "allowed_models", "valid_until")
    TENANT_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_MODELS_FIELD_NUMBER: _ClassVar[int]
    VALID_UNTIL_FIELD_NUMBER: _ClassVar[int]
    tenant: str
    key_id: str
    roles: _containers.RepeatedScalarFieldContainer[str]
    allowed_models: _containers.RepeatedScalarFieldContainer[str]
    valid_until: _timestamp_pb2.Timestamp
    def __init__(self, tenant: _Optional[str] = ..., key_id: _Optional[str] = ..., roles: _Optional[_Iterable[str]] = ..., allowed_models: _Optional[_Iterable[str]] = ..., valid_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListTenantsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class TenantInfo(_message.Message):
    __slots__ = ("name", "display_name", "api_keys", "version", "updated_at", "updated_by")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    API_KEYS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    api_keys: int
    version: int
    updated_at: _timestamp_pb2.Timestamp
    updated_by: str
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., api_keys: _Optional[int] = ..., version: _Optional[int] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_by: _Optional[str] = ...) -> None: ...

class ListTenantsResponse(_message.Message):
    __slots__ = ("tenants",)
    TENANTS_FIELD_NUMBER: _ClassVar[int]
    tenants: _containers.RepeatedCompositeFieldContainer[TenantInfo]
    def __init__(self, tenants: _Optional[_Iterable[_Union[TenantInfo, _Mapping]]] = ...) -> None: ...

class TenantVersion(_message.Message):
    __slots__ = ("tenant", "version", "document_json", "digest", "source", "based_on", "created_at", "created_by", "message", "document_yaml")
    TENANT_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_JSON_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    BASED_ON_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_YAML_FIELD_NUMBER: _ClassVar[int]
    tenant: str
    version: int
    document_json: str
    digest: str
    source: str
    based_on: int
    created_at: _timestamp_pb2.Timestamp
    created_by: str
    message: str
    document_yaml: str
    def __init__(self, tenant: _Optional[str] = ..., version: _Optional[int] = ..., document_json: _Optional[str] = ..., digest: _Optional[str] = ..., source: _Optional[str] = ..., based_on: _Optional[int] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_by: _Optional[str] = ..., message: _Optional[str] = ..., document_yaml: _Optional[str] = ...) -> None: ...

class SyncTenantsRequest(_message.Message):
    __slots__ = ("epoch", "after_change")
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    AFTER_CHANGE_FIELD_NUMBER: _ClassVar[int]
    epoch: str
    after_change: int
    def __init__(self, epoch: _Optional[str] = ..., after_change: _Optional[int] = ...) -> None: ...

class SyncTenantsResponse(_message.Message):
    __slots__ = ("epoch", "change", "tenants", "key_sha256", "full")
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    CHANGE_FIELD_NUMBER: _ClassVar[int]
    TENANTS_FIELD_NUMBER: _ClassVar[int]
    KEY_SHA256_FIELD_NUMBER: _ClassVar[int]
    FULL_FIELD_NUMBER: _ClassVar[int]
    epoch: str
    change: int
    tenants: _containers.RepeatedCompositeFieldContainer[TenantVersion]
    key_sha256: _containers.RepeatedScalarFieldContainer[str]
    full: bool
    def __init__(self, epoch: _Optional[str] = ..., change: _Optional[int] = ..., tenants: _Optional[_Iterable[_Union[TenantVersion, _Mapping]]] = ..., key_sha256: _Optional[_Iterable[str]] = ..., full: _Optional[bool] = ...) -> None: ...

class WatchChangesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ChangeNotice(_message.Message):
    __slots__ = ("rings",)
    RINGS_FIELD_NUMBER: _ClassVar[int]
    rings: int
    def __init__(self, rings: _Optional[int] = ...) -> None: ...

class ApplyTenantRequest(_message.Message):
    __slots__ = ("document", "format", "message", "dry_run", "expected_version", "source_name")
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    SOURCE_NAME_FIELD_NUMBER: _ClassVar[int]
    document: str
    format: str
    message: str
    dry_run: bool
    expected_version: int
    source_name: str
    def __init__(self, document: _Optional[str] = ..., format: _Optional[str] = ..., message: _Optional[str] = ..., dry_run: _Optional[bool] = ..., expected_version: _Optional[int] = ..., source_name: _Optional[str] = ...) -> None: ...

class ApplyOutcome(_message.Message):
    __slots__ = ("tenant", "version", "previous", "changed", "diff", "dry_run")
    TENANT_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_FIELD_NUMBER: _ClassVar[int]
    CHANGED_FIELD_NUMBER: _ClassVar[int]
    DIFF_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    tenant: str
    version: int
    previous: int
    changed: bool
    diff: str
    dry_run: bool
    def __init__(self, tenant: _Optional[str] = ..., version: _Optional[int] = ..., previous: _Optional[int] = ..., changed: _Optional[bool] = ..., diff: _Optional[str] = ..., dry_run: _Optional[bool] = ...) -> None: ...

class ApplyTenantResponse(_message.Message):
    __slots__ = ("outcomes",)
    OUTCOMES_FIELD_NUMBER: _ClassVar[int]
    outcomes: _containers.RepeatedCompositeFieldContainer[ApplyOutcome]
    def __init__(self, outcomes: _Optional[_Iterable[_Union[ApplyOutcome, _Mapping]]] = ...) -> None: ...

class GetTenantRequest(_message.Message):
    __slots__ = ("tenant", "version")
    TENANT_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    tenant: str
    version: int
    def __init__(self, tenant: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class TenantHistoryRequest(_message.Message):
    __slots__ = ("tenant", "limit")
    TENANT_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    tenant: str
    limit: int
    def __init__(self, tenant: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class TenantHistoryResponse(_message.Message):
    __slots__ = ("versions",)
    VERSIONS_FIELD_NUMBER: _ClassVar[int]
    versions: _containers.RepeatedCompositeFieldContainer[TenantVersion]
    def __init__(self, versions: _Optional[_Iterable[_Union[TenantVersion, _Mapping]]] = ...) -> None: ...

class DiffTenantRequest(_message.Message):
    __slots__ = ("tenant", "from_version", "to_version")
    TENANT_FIELD_NUMBER: _ClassVar[int]
    FROM_VERSION_FIELD_NUMBER: _ClassVar[int]
    TO_VERSION_FIELD_NUMBER: _ClassVar[int]
    tenant: str
    from_version: int
    to_version: int
    def __init__(self, tenant: _Optional[str] = ..., from_version: _Optional[int] = ..., to_version: _Optional[int] = ...) -> None: ...

class DiffTenantResponse(_message.Message):
    __slots__ = ("diff",)
    DIFF_FIELD_NUMBER: _ClassVar[int]
    diff: str
    def __init__(self, diff: _Optional[str] = ...) -> None: ...

class RollbackTenantRequest(_message.Message):
    __slots__ = ("tenant", "to_version", "message")
    TENANT_FIELD_NUMBER: _ClassVar[int]
    TO_VERSION_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    tenant: str
    to_version: int
    message: str
    def __init__(self, tenant: _Optional[str] = ..., to_version: _Optional[int] = ..., message: _Optional[str] = ...) -> None: ...

class ApiKeyInfo(_message.Message):
    __slots__ = ("tenant", "key_id", "generation", "roles", "state", "sha256_prefix", "created_at", "created_by", "expires_at", "revoked_at")
    TENANT_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    GENERATION_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    SHA256_PREFIX_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    REVOKED_AT_FIELD_NUMBER: _ClassVar[int]
    tenant: str
    key_id: str
    generation: int
    roles: _containers.RepeatedScalarFieldContainer[str]
    state: str
    sha256_prefix: str
    created_at: _timestamp_pb2.Timestamp
    created_by: str
    expires_at: _timestamp_pb2.Timestamp
    revoked_at: _timestamp_pb2.Timestamp
    def __init__(self, tenant: _Optional[str] = ..., key_id: _Optional[str] = ..., generation: _Optional[int] = ..., roles: _Optional[_Iterable[str]] = ..., state: _Optional[str] = ..., sha256_prefix: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_by: _Optional[str] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., revoked_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateApiKeyRequest(_message.Message):
    __slots__ = ("tenant", "key_id", "roles", "expires_in_s", "message")
    TENANT_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_IN_S_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    tenant: str
    key_id: str
    roles: _containers.RepeatedScalarFieldContainer[str]
    expires_in_s: int
    message: str
    def __init__(self, tenant: _Optional[str] = ..., key_id: _Optional[str] = ..., roles: _Optional[_Iterable[str]] = ..., expires_in_s: _Optional[int] = ..., message: _Optional[str] = ...) -> None: ...

class IssuedApiKey(_message.Message):
    __slots__ = ("key", "info")
    KEY_FIELD_NUMBER: _ClassVar[int]
    INFO_FIELD_NUMBER: _ClassVar[int]
    key: str
    info: ApiKeyInfo
    def __init__(self, key: _Optional[str] = ..., info: _Optional[_Union[ApiKeyInfo, _Mapping]] = ...) -> None: ...

class ListApiKeysRequest(_message.Message):
    __slots__ = ("tenant",)
    TENANT_FIELD_NUMBER: _ClassVar[int]
    tenant: str
    def __init__(self, tenant: _Optional[str] = ...) -> None: ...

class ListApiKeysResponse(_message.Message):
    __slots__ = ("keys",)
    KEYS_FIELD_NUMBER: _ClassVar[int]
    keys: _containers.RepeatedCompositeFieldContainer[ApiKeyInfo]
    def __init__(self, keys: _Optional[_Iterable[_Union[ApiKeyInfo, _Mapping]]] = ...) -> None: ...

class RotateApiKeyRequest(_message.Message):
    __slots__ = ("tenant", "key_id", "grace_s", "message")
    TENANT_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    GRACE_S_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    tenant: str
    key_id: str
    grace_s: int
    message: str
    def __init__(self, tenant: _Optional[str] = ..., key_id: _Optional[str] = ..., grace_s: _Optional[int] = ..., message: _Optional[str] = ...) -> None: ...

class ExpireApiKeyRequest(_message.Message):
    __slots__ = ("tenant", "key_id", "at", "message")
    TENANT_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    tenant: str
    key_id: str
    at: _timestamp_pb2.Timestamp
    message: str
    def __init__(self, tenant: _Optional[str] = ..., key_id: _Optional[str] = ..., at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., message: _Optional[str] = ...) -> None: ...

class RevokeApiKeyRequest(_message.Message):
    __slots__ = ("tenant", "key_id", "message")
    TENANT_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    tenant: str
    key_id: str
    message: str
    def __init__(self, tenant: _Optional[str] = ..., key_id: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...
