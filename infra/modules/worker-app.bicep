@export()
@description('One worker app setting (an environment variable; __ stands for :).')
type setting = {
  name: string
  value: string
}

param name string
param location string
param tags object = {}
param environmentId string
@description('Workload profile the worker runs on (the GPU profile).')
param workloadProfileName string
@description('Worker image; empty deploys a placeholder (first azd provision, before the image is pushed).')
param image string = ''
param registryServer string
param identityId string
param identityClientId string
@description('Identity of the KEDA queue scale rule (Storage Queue Data Reader on the jobs queue only).')
param scalerIdentityId string
param storageAccountName string
param applicationInsightsName string
param jobsQueueName string = 'jobs'
param jobsTableName string = 'jobs'
param workersTableName string = 'workers'
// One replica's capacity: with dynamic concurrency (host.json concurrency.dynamicConcurrencyEnabled, on by default)
// a replica holds its learned limit plus one prefetched message, starting at 1 and settling near what its model
// runners can start (2-3 for an OCR GPU worker with one runner per model). A larger value leaves jobs waiting on a
// busy replica while KEDA holds off adding another; raise it for CPU pipelines or several runners per model.
@description('Messages per replica for the KEDA azure-queue rule: one replica\'s capacity, its dynamic concurrency plus one prefetched message.')
@minValue(1)
param queueLength int = 3
@minValue(0)
param minReplicas int = 0
@minValue(1)
param maxReplicas int = 8
@description('More worker settings as { name, value } pairs, e.g. Pipelines__Ocr__Enabled and Models__<name>__Source/Sha256.')
param extraEnv setting[] = []

var port = 8080
var placeholderImage = 'mcr.microsoft.com/k8se/quickstart:latest'
var usePlaceholder = empty(image)

// Within the Container Apps limits: failureThreshold 1-10, periodSeconds 1-240, initialDelaySeconds 1-60, timeoutSeconds 1-240.
var probes = [
  {
    // The health trigger answers as soon as the process listens, before any model loads: 1 + 3 x 10 s covers a cold start.
    type: 'Startup'
    httpGet: {
      path: '/api/health'
      port: port
    }
    initialDelaySeconds: 1
    periodSeconds: 3
    timeoutSeconds: 2
    failureThreshold: 10
  }
  {
    // 503 only when a loop is stuck for minutes; three misses in a row restart the replica.
    type: 'Liveness'
    httpGet: {
      path: '/api/health'
      port: port
    }
    periodSeconds: 10
    timeoutSeconds: 2
    failureThreshold: 3
  }
  {
    // 200 only when models are warm, storage reachable, listener running and the circuit closed.
    type: 'Readiness'
    httpGet: {
      path: '/api/ready'
      port: port
    }
    periodSeconds: 5
    timeoutSeconds: 2
    failureThreshold: 3
    successThreshold: 1
  }
]

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource app 'Microsoft.App/containerApps@2025-01-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'worker' })
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
      '${scalerIdentityId}': {}
    }
  }
  properties: {
    environmentId: environmentId
    workloadProfileName: workloadProfileName
    configuration: {
      activeRevisionsMode: 'Single'
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
      // Longer than the worker's shutdownGracePeriod (30 s): SIGTERM finishes or releases in-flight jobs first.
      terminationGracePeriodSeconds: 60
      containers: [
        {
          name: 'worker'
          image: usePlaceholder ? placeholderImage : image
          resources: {
            cpu: 8
            memory: '56Gi'
          }
          env: concat([
            { name: 'PORT', value: string(port) }
            { name: 'AzureWebJobsStorage__accountName', value: storageAccountName }
            { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
            { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
            { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', secretRef: 'appinsights-connection' }
            { name: 'JobsQueueName', value: jobsQueueName }
            { name: 'JobsTableName', value: jobsTableName }
            { name: 'WorkersTableName', value: workersTableName }
            { name: 'Inference__Device', value: 'cuda' }
          ], extraEnv)
          // The placeholder serves none of the worker's endpoints; the probes come with the worker image.
          probes: usePlaceholder ? [] : probes
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'jobs-queue'
            azureQueue: {
              accountName: storageAccountName
              queueName: jobsQueueName
              queueLength: queueLength
              identity: scalerIdentityId
            }
          }
        ]
      }
    }
  }
}

output name string = app.name
output id string = app.id
