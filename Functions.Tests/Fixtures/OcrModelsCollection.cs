namespace Functions.Tests.Fixtures;

/// <summary>Test classes in this collection share one load of the OCR models.</summary>
[CollectionDefinition(OcrModelsFixture.Collection)]
public sealed class OcrModelsCollection : ICollectionFixture<OcrModelsFixture>;
