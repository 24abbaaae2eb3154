@description('Storage account name (3-24 lowercase letters and digits).')
param name string
param location string
param tags object = {}
@description('Queue the worker reads; the worker moves failed messages to <name>-poison.')
param jobsQueueName string = 'jobs'
@description('Table of job records.')
param jobsTableName string = 'jobs'
@description('Table of the fleet\'s heartbeats.')
param workersTableName string = 'workers'
@description('Blob containers the worker reads inputs and models from, writes outputs to, and keeps its function keys in; azure-webjobs-hosts holds the Functions host\'s leases when it runs as a function app.')
param containerNames array = [
  'inputs'
  'outputs'
  'models'
  'azure-webjobs-secrets'
  'azure-webjobs-hosts'
]
@description('Public endpoint: Enabled (with networkAcls below), Disabled (private endpoints only) or SecuredByPerimeter.')
@allowed([
  'Enabled'
  'Disabled'
  'SecuredByPerimeter'
])
param publicNetworkAccess string = 'Enabled'
@description('What the firewall does with a request no rule matches: Allow, or Deny to admit only ipRules and subnets.')
@allowed([
  'Allow'
  'Deny'
])
param networkDefaultAction string = 'Allow'
@description('Public IPv4 addresses or CIDR ranges let through when networkDefaultAction is Deny.')
param allowedIpRanges string[] = []
@description('Subnet resource ids (with the Microsoft.Storage service endpoint) let through when networkDefaultAction is Deny.')
param allowedSubnetIds string[] = []

// Identity-only data plane: no account keys, no SAS, no anonymous blobs.
resource account 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    accessTier: 'Hot'
    publicNetworkAccess: publicNetworkAccess
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: networkDefaultAction
      ipRules: [for range in allowedIpRanges: {
        value: range
        action: 'Allow'
      }]
      virtualNetworkRules: [for subnetId in allowedSubnetIds: {
        id: subnetId
        action: 'Allow'
      }]
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-06-01' = {
  parent: account
  name: 'default'
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' = [for container in containerNames: {
  parent: blobService
  name: container
  properties: {
    publicAccess: 'None'
  }
}]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2025-06-01' = {
  parent: account
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2025-06-01' = [for queue in [jobsQueueName, '${jobsQueueName}-poison']: {
  parent: queueService
  name: queue
}]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2025-06-01' = {
  parent: account
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2025-06-01' = [for table in [jobsTableName, workersTableName]: {
  parent: tableService
  name: table
}]

output name string = account.name
output id string = account.id
