// The worker as an Azure Functions app on Container Apps (hostingMode 'functionapp' in main.bicep): the Functions host
// runs the isolated worker (FunctionsWorker.FunctionsHost) on the same GPU workload profile, fetches the jobs queue,
// proxies the HTTP triggers and scales on the queue by itself (no KEDA rule to write).
import { setting } from 'worker-app.bicep'

param name string
param location string
param tags object = {}
param environmentId string
@description('Workload profile the app runs on (the GPU profile).')
param workloadProfileName string
@description('Functions image (the Functions host with FunctionsWorker.FunctionsHost); empty deploys the Functions quickstart image.')
param image string = ''
param registryServer string
param identityId string
param identityClientId string
param identityPrincipalId string
param storageAccountName string
param applicationInsightsName string
param jobsQueueName string = 'jobs'
param jobsTableName string = 'jobs'
@minValue(0)
param minReplicas int = 0
@minValue(1)
param maxReplicas int = 8
@description('More app settings as { name, value } pairs, e.g. Pipelines__Ocr__Enabled and Models__<name>__Source/Sha256.')
param extraEnv setting[] = []

var placeholderImage = 'mcr.microsoft.com/azure-functions/dotnet8-quickstart-demo:1.0'

// The host keeps its keys, leases and timers in blobs of AzureWebJobsStorage: Storage Blob Data Owner, as Functions
// documents for identity-based host storage, but only on the host's two containers (created by storage.bicep), never
// the account: the worker's own data roles come from storage-roles.bicep.
var blobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var hostContainers = [
  'azure-webjobs-hosts'
  'azure-webjobs-secrets'
]

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'
  }
}

resource hostContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' existing = [for container in hostContainers: {
  parent: storage::blobService
  name: container
}]

resource hostStorageRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (container, i) in hostContainers: {
  name: guid(hostContainer[i].id, identityPrincipalId, blobDataOwner)
  scope: hostContainer[i]
  properties: {
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataOwner)
  }
}]

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource app 'Microsoft.App/containerApps@2025-07-01' = {
  name: name
  location: location
  kind: 'functionapp'
  tags: union(tags, { 'azd-service-name': 'worker' })
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  dependsOn: [
    hostStorageRole
  ]
  properties: {
    environmentId: environmentId
    workloadProfileName: workloadProfileName
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        // The Functions image's host listens on 80; keys guard everything but health and ready (auth levels).
        external: true
        targetPort: 80
      }
      registries: [
        {
          server: registryServer
          identity: identityId
        }
      ]
      secrets: [
        {
          name: 'appinsights-connection'
          value: applicationInsights.properties.ConnectionString
        }
      ]
    }
    template: {
      containers: [
        {
          name: 'functions'
          image: empty(image) ? placeholderImage : image
          resources: {
            cpu: 8
            memory: '56Gi'
          }
          env: concat([
            { name: 'FUNCTIONS_WORKER_RUNTIME', value: 'dotnet-isolated' }
            { name: 'AzureWebJobsStorage__accountName', value: storageAccountName }
            { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
            { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
            { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', secretRef: 'appinsights-connection' }
            { name: 'JobsQueueName', value: jobsQueueName }
            { name: 'JobsTableName', value: jobsTableName }
            { name: 'Inference__Device', value: 'cuda' }
          ], extraEnv)
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
      }
    }
  }
}

output name string = app.name
output id string = app.id
