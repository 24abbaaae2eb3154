namespace FunctionsWorker.Pipelines.Ocr;

/// <summary>Settings of the <c>ocr</c> pipeline (section <c>Pipelines:Ocr</c>); defaults follow PaddleOCR's PP-OCRv4 inference.</summary>
public sealed class OcrOptions
{
    public const string SectionName = "Pipelines:Ocr";

    /// <summary>Catalog name of the DB text-detection model.</summary>
    public string DetectionModel { get; set; } = "ocr-det";

    /// <summary>Catalog name of the CTC text-recognition model.</summary>
    public string RecognitionModel { get; set; } = "ocr-rec";

    /// <summary>
    /// Catalog name of the recognition model's character list (one character a line), a file entry fetched, verified
    /// and cached like the models (<c>Models:ocr-dict:Source</c>, <c>Models:ocr-dict:Sha256</c>).
    /// </summary>
    public string Dictionary { get; set; } = "ocr-dict";

    /// <summary>
    /// Catalog name of the optional text-direction classifier (PP-OCR <c>ch_ppocr_mobile_v2.0_cls</c>, 0° or 180°):
    /// when set, each text strip it finds upside down (probability above 0.9) is turned before it is read. Empty: off.
    /// </summary>
    public string Classifier { get; set; } = "";

    /// <summary>Default longest side, in pixels, of the image the detector sees; a job may override it with <c>parameters.maxSide</c>.</summary>
    public int MaxSide { get; set; } = 960;

    /// <summary>Probability above which a pixel of the detector's map counts as text.</summary>
    public float BinaryThreshold { get; set; } = 0.3f;

    /// <summary>Mean probability a candidate region needs to be kept as a text box.</summary>
    public float BoxThreshold { get; set; } = 0.6f;

    /// <summary>How far boxes grow back out (the detector predicts shrunk text kernels): offset = area * ratio / perimeter.</summary>
    public float UnclipRatio { get; set; } = 1.5f;

    /// <summary>Most candidate regions considered per image.</summary>
    public int MaxCandidates { get; set; } = 1000;

    /// <summary>Most text strips per recognition run; wide strips go fewer at a time (<see cref="TextRecognizer.MaxBatchColumns"/>).</summary>
    public int RecognitionBatchSize { get; set; } = 8;

    /// <summary>Lines recognised with a lower confidence are dropped (PaddleOCR's drop_score).</summary>
    public float MinConfidence { get; set; } = 0.5f;
}
