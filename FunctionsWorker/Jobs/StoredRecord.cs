using Azure;

namespace FunctionsWorker.Jobs;

/// <summary>A job record as read, with the ETag a conditional write needs.</summary>
public sealed record StoredRecord(JobRecord Record, ETag ETag);
