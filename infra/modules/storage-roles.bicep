@description('Storage account the worker uses.')
param storageAccountName string
@description('Principal of the worker identity: data roles on the containers, queues and tables it uses, nothing account-wide.')
param workerPrincipalId string
@description('Principal of the KEDA scaler identity: it only reads the jobs queue\'s length.')
param scalerPrincipalId string
param jobsQueueName string = 'jobs'
param jobsTableName string = 'jobs'
param workersTableName string = 'workers'
@description('Containers the worker only reads (job inputs, model files).')
param readContainers array = [
  'inputs'
  'models'
]
@description('Containers the worker writes: job outputs, and azure-webjobs-secrets where it keeps its function keys.')
param writeContainers array = [
  'outputs'
  'azure-webjobs-secrets'
]
@description('Queues producers name in replyTo: the worker may only send messages to them.')
param replyQueueNames array = []

// Built-in role definition ids.
var blobDataReader = '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'
var blobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
var queueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
var queueDataReader = '19e7f393-937e-4f77-808e-94535e297925'
var queueMessageSender = 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a'
var tableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'

resource account 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'
  }

  resource queueService 'queueServices' existing = {
    name: 'default'
  }

  resource tableService 'tableServices' existing = {
    name: 'default'
  }
}

resource readable 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' existing = [for container in readContainers: {
  parent: account::blobService
  name: container
}]

resource writable 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' existing = [for container in writeContainers: {
  parent: account::blobService
  name: container
}]

resource workerQueues 'Microsoft.Storage/storageAccounts/queueServices/queues@2025-06-01' existing = [for queue in [jobsQueueName, '${jobsQueueName}-poison']: {
  parent: account::queueService
  name: queue
}]

resource replyQueues 'Microsoft.Storage/storageAccounts/queueServices/queues@2025-06-01' existing = [for queue in replyQueueNames: {
  parent: account::queueService
  name: queue
}]

resource jobsQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2025-06-01' existing = {
  parent: account::queueService
  name: jobsQueueName
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2025-06-01' existing = [for table in [jobsTableName, workersTableName]: {
  parent: account::tableService
  name: table
}]

resource readRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (container, i) in readContainers: {
  scope: readable[i]
  name: guid(readable[i].id, workerPrincipalId, blobDataReader)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataReader)
    principalId: workerPrincipalId
    principalType: 'ServicePrincipal'
  }
}]

resource writeRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (container, i) in writeContainers: {
  scope: writable[i]
  name: guid(writable[i].id, workerPrincipalId, blobDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataContributor)
    principalId: workerPrincipalId
    principalType: 'ServicePrincipal'
  }
}]

resource queueRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for i in range(0, 2): {
  scope: workerQueues[i]
  name: guid(workerQueues[i].id, workerPrincipalId, queueDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', queueDataContributor)
    principalId: workerPrincipalId
    principalType: 'ServicePrincipal'
  }
}]

resource replyRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (queue, i) in replyQueueNames: {
  scope: replyQueues[i]
  name: guid(replyQueues[i].id, workerPrincipalId, queueMessageSender)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', queueMessageSender)
    principalId: workerPrincipalId
    principalType: 'ServicePrincipal'
  }
}]

resource tableRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for i in range(0, 2): {
  scope: tables[i]
  name: guid(tables[i].id, workerPrincipalId, tableDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', tableDataContributor)
    principalId: workerPrincipalId
    principalType: 'ServicePrincipal'
  }
}]

resource scalerRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: jobsQueue
  name: guid(jobsQueue.id, scalerPrincipalId, queueDataReader)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', queueDataReader)
    principalId: scalerPrincipalId
    principalType: 'ServicePrincipal'
  }
}
