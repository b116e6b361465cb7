using ClipGrains.Fuzz;
using SharpFuzz;

// AFL++ drives this process (afl-fuzz … -- dotnet ClipGrains.Fuzz.dll); see docs/fuzzing.md.
// With a folder argument it instead replays every file in it once and reports, for triage without AFL.
if (args.Length == 1 && Directory.Exists(args[0]))
{
    var files = Directory.GetFiles(args[0]);
    var decoded = files.Count(f => DecodePreprocessTarget.Run(File.ReadAllBytes(f)));
    Console.WriteLine($"{files.Length} inputs replayed, {decoded} decoded, {files.Length - decoded} refused, 0 crashed");
    return;
}

Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    DecodePreprocessTarget.Run(buffer.ToArray());
});
