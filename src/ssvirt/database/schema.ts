/**
 * SSVirt's schema for the embedded default database, written for this project from SSVirt's GORM
 * models (pkg/database/models at mhrivnak/ssvirt cc49d4d: struct fields → snake_case columns, tags
 * → types, NOT NULL, defaults, CHECKs, indexes; relationships → foreign keys), in the order
 * `AutoMigrate` creates them. SSVirt's own server creates its schema with `AutoMigrate`; this is
 * only for the embedded PGlite used locally. The db test suite loads the DDL GORM really issues
 * (reference `schema/gorm_automigrate_postgres.sql`) next to this one and compares tables,
 * columns, constraints and indexes.
 */
export const SSVIRT_TABLES = ["organizations", "users", "roles", "user_roles", "vdcs", "catalogs", "v_app_templates", "v_apps", "vms"] as const;

export const SSVIRT_SCHEMA = `
CREATE TABLE organizations (
  id                        varchar(255),
  name                      varchar(255) NOT NULL,
  display_name              varchar(255),
  description               text,
  is_enabled                boolean      NOT NULL DEFAULT true,
  can_manage_orgs           boolean      NOT NULL DEFAULT false,
  can_publish               boolean      NOT NULL DEFAULT false,
  masked_event_task_username text,
  created_at                timestamptz,
  updated_at                timestamptz,
  deleted_at                timestamptz,
  PRIMARY KEY (id)
);
CREATE INDEX idx_organizations_deleted_at ON organizations (deleted_at);
CREATE UNIQUE INDEX idx_organizations_name ON organizations (name);

CREATE TABLE users (
  id                varchar(255),
  username          varchar(255) NOT NULL,
  full_name         varchar(255) NOT NULL,
  description       text,
  email             varchar(255) NOT NULL,
  password_hash     text         NOT NULL,
  deployed_vm_quota bigint       NOT NULL DEFAULT 0,
  stored_vm_quota   bigint       NOT NULL DEFAULT 0,
  name_in_source    text,
  enabled           boolean      NOT NULL DEFAULT true,
  is_group_role     boolean      NOT NULL DEFAULT false,
  provider_type     varchar(50)  NOT NULL DEFAULT 'LOCAL',
  locked            boolean      NOT NULL DEFAULT false,
  stranded          boolean      NOT NULL DEFAULT false,
  organization_id   varchar(255),
  organization_name varchar(255),
  created_at        timestamptz,
  updated_at        timestamptz,
  deleted_at        timestamptz,
  PRIMARY KEY (id),
  CONSTRAINT fk_users_organization FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE SET NULL,
  CONSTRAINT uni_users_username UNIQUE (username),
  CONSTRAINT uni_users_email UNIQUE (email)
);
CREATE INDEX idx_users_deleted_at ON users (deleted_at);
CREATE INDEX idx_users_organization_id ON users (organization_id);

CREATE TABLE roles (
  id          varchar(255),
  name        varchar(255) NOT NULL,
  description text,
  bundle_key  text,
  read_only   boolean      NOT NULL DEFAULT true,
  created_at  timestamptz,
  updated_at  timestamptz,
  deleted_at  timestamptz,
  PRIMARY KEY (id),
  CONSTRAINT uni_roles_name UNIQUE (name)
);
CREATE INDEX idx_roles_deleted_at ON roles (deleted_at);

CREATE TABLE user_roles (
  user_id varchar(255),
  role_id varchar(255),
  PRIMARY KEY (user_id, role_id),
  CONSTRAINT fk_user_roles_user FOREIGN KEY (user_id) REFERENCES users (id),
  CONSTRAINT fk_user_roles_role FOREIGN KEY (role_id) REFERENCES roles (id)
);

CREATE TABLE vdcs (
  id                varchar(255),
  name              text         NOT NULL,
  description       text,
  organization_id   varchar(255) NOT NULL,
  allocation_model  varchar(20),
  cpu_allocated     bigint       DEFAULT 0,
  cpu_limit         bigint       DEFAULT 0,
  cpu_units         text         DEFAULT 'MHz',
  memory_allocated  bigint       DEFAULT 0,
  memory_limit      bigint       DEFAULT 0,
  memory_units      text         DEFAULT 'MB',
  provider_vdc_id   varchar(255),
  provider_vdc_name text,
  nic_quota         bigint       DEFAULT 100,
  network_quota     bigint       DEFAULT 50,
  is_thin_provision boolean      DEFAULT false,
  is_enabled        boolean      DEFAULT true,
  namespace         varchar(253),
  created_at        timestamptz,
  updated_at        timestamptz,
  deleted_at        timestamptz,
  PRIMARY KEY (id),
  CONSTRAINT fk_organizations_vd_cs FOREIGN KEY (organization_id) REFERENCES organizations (id),
  CONSTRAINT chk_vdcs_allocation_model CHECK (allocation_model IN ('PayAsYouGo', 'AllocationPool', 'ReservationPool', 'Flex'))
);
CREATE INDEX idx_vdcs_deleted_at ON vdcs (deleted_at);
CREATE UNIQUE INDEX idx_vdc_namespace_active ON vdcs (namespace) WHERE deleted_at IS NULL;
CREATE INDEX idx_vdcs_organization_id ON vdcs (organization_id);

CREATE TABLE catalogs (
  id              varchar(255),
  name            text         NOT NULL,
  description     text,
  organization_id varchar(255) NOT NULL,
  is_published    boolean      DEFAULT false,
  is_subscribed   boolean      DEFAULT false,
  is_local        boolean      DEFAULT true,
  version         bigint       DEFAULT 1,
  owner_id        varchar(255),
  created_at      timestamptz,
  updated_at      timestamptz,
  deleted_at      timestamptz,
  PRIMARY KEY (id),
  CONSTRAINT fk_organizations_catalogs FOREIGN KEY (organization_id) REFERENCES organizations (id)
);
CREATE INDEX idx_catalogs_deleted_at ON catalogs (deleted_at);
CREATE INDEX idx_catalogs_organization_id ON catalogs (organization_id);

CREATE TABLE v_app_templates (
  id               varchar(255),
  name             text         NOT NULL,
  catalog_id       varchar(255) NOT NULL,
  description      text,
  vm_instance_type text,
  os_type          text,
  cpu_count        bigint,
  memory_mb        bigint,
  disk_size_gb     bigint,
  template_data    jsonb,
  created_at       timestamptz,
  updated_at       timestamptz,
  deleted_at       timestamptz,
  PRIMARY KEY (id),
  CONSTRAINT fk_catalogs_v_app_templates FOREIGN KEY (catalog_id) REFERENCES catalogs (id) ON DELETE CASCADE,
  CONSTRAINT chk_v_app_templates_cpu_count CHECK (cpu_count > 0),
  CONSTRAINT chk_v_app_templates_memory_mb CHECK (memory_mb > 0),
  CONSTRAINT chk_v_app_templates_disk_size_gb CHECK (disk_size_gb > 0)
);
CREATE INDEX idx_v_app_templates_deleted_at ON v_app_templates (deleted_at);
CREATE INDEX idx_v_app_templates_catalog_id ON v_app_templates (catalog_id);

CREATE TABLE v_apps (
  id          varchar(255),
  name        text         NOT NULL,
  vdc_id      varchar(255) NOT NULL,
  template_id varchar(255),
  status      text,
  description text,
  created_at  timestamptz,
  updated_at  timestamptz,
  deleted_at  timestamptz,
  PRIMARY KEY (id),
  CONSTRAINT fk_v_app_templates_v_apps FOREIGN KEY (template_id) REFERENCES v_app_templates (id),
  CONSTRAINT fk_vdcs_v_apps FOREIGN KEY (vdc_id) REFERENCES vdcs (id) ON DELETE CASCADE
);
CREATE INDEX idx_v_apps_deleted_at ON v_apps (deleted_at);
CREATE INDEX idx_v_apps_template_id ON v_apps (template_id);
CREATE INDEX idx_v_apps_vdc_id ON v_apps (vdc_id);
CREATE UNIQUE INDEX idx_vapp_vdc_name ON v_apps (name, vdc_id);

CREATE TABLE vms (
  id          varchar(255),
  name        text         NOT NULL,
  description text,
  vapp_id     varchar(255) NOT NULL,
  vm_name     text,
  namespace   text,
  status      text,
  cpu_count   bigint,
  memory_mb   bigint,
  guest_os    text,
  created_at  timestamptz,
  updated_at  timestamptz,
  deleted_at  timestamptz,
  PRIMARY KEY (id),
  CONSTRAINT fk_v_apps_vms FOREIGN KEY (vapp_id) REFERENCES v_apps (id),
  CONSTRAINT chk_vms_cpu_count CHECK (cpu_count > 0),
  CONSTRAINT chk_vms_memory_mb CHECK (memory_mb > 0)
);
CREATE INDEX idx_vms_deleted_at ON vms (deleted_at);
CREATE INDEX idx_vms_v_app_id ON vms (vapp_id);
`;

/**
 * The columns this project reads or writes, by table: checked at start-up against any database
 * (SSVirt's own or the embedded one), so a schema that moved on fails with the missing column's
 * name instead of a SQL error later.
 */
export const REQUIRED_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  organizations: ["id", "name", "display_name", "description", "is_enabled", "updated_at", "deleted_at"],
  vdcs: ["id", "name", "description", "organization_id", "allocation_model", "cpu_limit", "cpu_units", "memory_limit", "memory_units", "is_enabled", "namespace", "created_at", "updated_at", "deleted_at"],
  v_apps: ["id", "name", "vdc_id", "status", "description", "created_at", "updated_at", "deleted_at"],
  vms: ["id", "name", "vapp_id", "vm_name", "namespace", "status", "cpu_count", "memory_mb", "guest_os", "created_at", "updated_at", "deleted_at"],
};
