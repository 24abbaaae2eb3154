// The worker on Azure Container Apps: identity-only storage (jobs queue and poison queue, blob containers, jobs table),
// Log Analytics + Application Insights, a registry, and a Container Apps environment with a serverless GPU profile.
// az deployment group create -g <rg> -f infra/main.bicep -p environmentName=<name> workerImage=<registry>/functions-worker:gpu
targetScope = 'resourceGroup'

import { setting } from 'modules/worker-app.bicep'

@minLength(1)
@maxLength(40)
@description('Name of the deployment environment (azd: AZURE_ENV_NAME); seeds every resource name.')
param environmentName string

@description('Region with serverless GPU capacity for the chosen profile.')
param location string = resourceGroup().location

@description('Worker image; empty deploys a placeholder until azd deploy pushes the image.')
param workerImage string = ''

@allowed([
  'Consumption-GPU-NC8as-T4'
  'Consumption-GPU-NC24-A100'
])
param gpuProfileType string = 'Consumption-GPU-NC8as-T4'

// One replica's capacity: with dynamic concurrency (host.json concurrency.dynamicConcurrencyEnabled, on by default)
// a replica holds its learned limit plus one prefetched message, starting at 1 and settling near what its model
// runners can start (2-3 for an OCR GPU worker with one runner per model). A larger value leaves jobs waiting on a
// busy replica while KEDA holds off adding another; raise it for CPU pipelines or several runners per model.
@description('Messages per replica for the KEDA azure-queue scale rule: one replica\'s capacity, its dynamic concurrency plus one prefetched message.')
@minValue(1)
param queueLength int = 3

@description('containerapp: the self-hosted worker with its own queue listener (worker-app.bicep); functionapp: the Azure Functions host running the isolated worker on the same GPU profile (function-app.bicep).')
@allowed([
  'containerapp'
  'functionapp'
])
param hostingMode string = 'containerapp'

@description('Upper bound of worker replicas.')
param maxReplicas int = 8

@description('More worker settings as { name, value } pairs (pipelines, models).')
param workerSettings setting[] = []

@description('Storage public endpoint: Enabled (filtered by the network rules below), Disabled or SecuredByPerimeter.')
@allowed([
  'Enabled'
  'Disabled'
  'SecuredByPerimeter'
])
param storagePublicNetworkAccess string = 'Enabled'

@description('Storage firewall default: Allow, or Deny to admit only storageAllowedIpRanges and storageAllowedSubnetIds (and trusted Azure services).')
@allowed([
  'Allow'
  'Deny'
])
param storageNetworkDefaultAction string = 'Allow'

@description('Public IPv4 addresses or CIDR ranges the storage firewall admits (operators, producers).')
param storageAllowedIpRanges string[] = []

@description('Subnet ids (with the Microsoft.Storage service endpoint) the storage firewall admits, e.g. the Container Apps environment\'s.')
param storageAllowedSubnetIds string[] = []

@description('Queues producers may name in replyTo: the worker may send messages to these and no others.')
param replyQueueNames string[] = []

var tags = {
  'azd-env-name': environmentName
}
var token = uniqueString(subscription().id, resourceGroup().id, environmentName)
var jobsQueueName = 'jobs'
var jobsTableName = 'jobs'
var workersTableName = 'workers'

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: 'log-${environmentName}-${token}'
    applicationInsightsName: 'appi-${environmentName}-${token}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: 'st${token}'
    location: location
    tags: tags
    jobsQueueName: jobsQueueName
    jobsTableName: jobsTableName
    workersTableName: workersTableName
    publicNetworkAccess: storagePublicNetworkAccess
    networkDefaultAction: storageNetworkDefaultAction
    allowedIpRanges: storageAllowedIpRanges
    allowedSubnetIds: storageAllowedSubnetIds
  }
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: 'id-worker-${environmentName}-${token}'
    location: location
    tags: tags
  }
}

// The KEDA scale rule's own identity: it reads the queue's length and can do nothing else.
module scalerIdentity 'modules/identity.bicep' = {
  name: 'scaler-identity'
  params: {
    name: 'id-scaler-${environmentName}-${token}'
    location: location
    tags: tags
  }
}

module storageRoles 'modules/storage-roles.bicep' = {
  name: 'storage-roles'
  params: {
    storageAccountName: storage.outputs.name
    workerPrincipalId: identity.outputs.principalId
    scalerPrincipalId: scalerIdentity.outputs.principalId
    jobsQueueName: jobsQueueName
    jobsTableName: jobsTableName
    workersTableName: workersTableName
    replyQueueNames: replyQueueNames
  }
}

module registry 'modules/registry.bicep' = {
  name: 'registry'
  params: {
    name: 'cr${token}'
    location: location
    tags: tags
    pullPrincipalId: identity.outputs.principalId
  }
}

module environment 'modules/environment.bicep' = {
  name: 'environment'
  params: {
    name: 'cae-${environmentName}-${token}'
    location: location
    tags: tags
    logAnalyticsName: monitoring.outputs.logAnalyticsName
    gpuProfileType: gpuProfileType
  }
}

module worker 'modules/worker-app.bicep' = if (hostingMode == 'containerapp') {
  name: 'worker'
  // The identity must hold its storage roles before the first replica starts (the pull role comes with registry's outputs).
  dependsOn: [
    storageRoles
  ]
  params: {
    name: 'ca-worker-${take(token, 8)}'
    location: location
    tags: tags
    environmentId: environment.outputs.id
    workloadProfileName: environment.outputs.gpuProfileName
    image: workerImage
    registryServer: registry.outputs.loginServer
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    scalerIdentityId: scalerIdentity.outputs.id
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    jobsQueueName: jobsQueueName
    jobsTableName: jobsTableName
    workersTableName: workersTableName
    queueLength: queueLength
    maxReplicas: maxReplicas
    extraEnv: workerSettings
  }
}

module functionApp 'modules/function-app.bicep' = if (hostingMode == 'functionapp') {
  name: 'function-app'
  dependsOn: [
    storageRoles
  ]
  params: {
    name: 'func-worker-${take(token, 8)}'
    location: location
    tags: tags
    environmentId: environment.outputs.id
    workloadProfileName: environment.outputs.gpuProfileName
    image: workerImage
    registryServer: registry.outputs.loginServer
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    identityPrincipalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    jobsQueueName: jobsQueueName
    jobsTableName: jobsTableName
    maxReplicas: maxReplicas
    extraEnv: workerSettings
  }
}

output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output WORKER_APP_NAME string = hostingMode == 'functionapp' ? functionApp!.outputs.name : worker!.outputs.name
output JOBS_QUEUE_NAME string = jobsQueueName
