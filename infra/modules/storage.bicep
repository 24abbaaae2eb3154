@description('Storage account name (3-24 lowercase letters and digits).')
param name string
param location string
param tags object = {}
@description('Queue the worker reads; the worker moves failed messages to <name>-poison.')
param jobsQueueName string = 'jobs'
@description('Table of job records.')
param jobsTableName string = 'jobs'
@description('Blob containers the worker reads inputs and models from and writes outputs to.')
param containerNames array = [
  'inputs'
  'outputs'
  'models'
]

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

resource jobsTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2025-06-01' = {
  parent: tableService
  name: jobsTableName
}

output name string = account.name
output id string = account.id
