// main() for fuzz targets built without libFuzzer (g++, the normal test build): runs the target once on every
// file named on the command line, or in a folder named there, so ctest replays the corpora and regressions.
// With --mutate-seconds=N it then keeps going for N seconds on random mutations of those inputs (no coverage
// guidance: a smoke run that keeps each target running in every test build; scripts/fuzz.sh fuzzes for real).
// An input that breaks an invariant aborts the target; the input is written to fuzz-failure-<pid> first.
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

using Bytes = std::vector<std::uint8_t>;

const Bytes* g_current = nullptr;  // the input being run, written out if the target crashes on it

void write_current_and_reraise(int sig) {
  if (g_current) {
    char name[64];
    std::snprintf(name, sizeof name, "fuzz-failure-%d", static_cast<int>(::getpid()));
    if (FILE* f = std::fopen(name, "wb")) {
      std::fwrite(g_current->data(), 1, g_current->size(), f);
      std::fclose(f);
      std::fprintf(stderr, "replay: the failing input is in %s\n", name);
    }
  }
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

void run(const Bytes& input) {
  g_current = &input;
  LLVMFuzzerTestOneInput(input.data(), input.size());
  g_current = nullptr;
}

Bytes read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "replay: cannot read %s\n", path.c_str());
    std::exit(2);
  }
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// One random edit of the kinds a byte-level fuzzer makes: flip a bit, set an interesting byte, insert, erase,
// duplicate a range, or splice in a piece of another input.
void mutate(Bytes& b, const std::vector<Bytes>& inputs, std::mt19937_64& rng) {
  auto below = [&](std::size_t n) { return n == 0 ? std::size_t{0} : static_cast<std::size_t>(rng() % n); };
  static constexpr std::uint8_t interesting[] = {0, 1, '\r', '\n', ' ', '\t', ':', ',', ';', '"', '\\', '{', '}', '[',
                                                 ']', '-', '9', 'e', '.', 0x7f, 0x80, 0xff};
  switch (below(6)) {
    case 0:
      if (!b.empty()) b[below(b.size())] ^= static_cast<std::uint8_t>(1u << below(8));
      break;
    case 1:
      if (!b.empty()) b[below(b.size())] = interesting[below(sizeof interesting)];
      break;
    case 2:
      b.insert(b.begin() + static_cast<std::ptrdiff_t>(below(b.size() + 1)), interesting[below(sizeof interesting)]);
      break;
    case 3:
      if (!b.empty()) {
        const std::size_t at = below(b.size());
        const std::size_t n = 1 + below(std::min<std::size_t>(16, b.size() - at));
        b.erase(b.begin() + static_cast<std::ptrdiff_t>(at), b.begin() + static_cast<std::ptrdiff_t>(at + n));
      }
      break;
    case 4:
      if (!b.empty() && b.size() < (1u << 20)) {
        const std::size_t at = below(b.size());
        const std::size_t n = 1 + below(std::min<std::size_t>(64, b.size() - at));
        const Bytes piece(b.begin() + static_cast<std::ptrdiff_t>(at), b.begin() + static_cast<std::ptrdiff_t>(at + n));
        b.insert(b.begin() + static_cast<std::ptrdiff_t>(below(b.size() + 1)), piece.begin(), piece.end());
      }
      break;
    default: {
      const Bytes& other = inputs[below(inputs.size())];
      if (other.empty()) break;
      const std::size_t from = below(other.size());
      const std::size_t n = 1 + below(std::min<std::size_t>(256, other.size() - from));
      const std::size_t at = below(b.size() + 1);
      b.resize(at);
      b.insert(b.end(), other.begin() + static_cast<std::ptrdiff_t>(from),
               other.begin() + static_cast<std::ptrdiff_t>(from + n));
      break;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  double mutate_seconds = 0;
  std::vector<Bytes> inputs;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg(argv[i]);
    if (arg.rfind("--mutate-seconds=", 0) == 0) {
      mutate_seconds = std::atof(argv[i] + std::strlen("--mutate-seconds="));
      continue;
    }
    const std::filesystem::path path(argv[i]);
    if (!std::filesystem::is_directory(path)) {
      inputs.push_back(read_file(path));
      continue;
    }
    for (const auto& entry : std::filesystem::directory_iterator(path)) {
      if (entry.is_regular_file()) inputs.push_back(read_file(entry.path()));
    }
  }
  // A replay that ran nothing proves nothing: an emptied corpus folder fails the test.
  if (inputs.empty()) {
    std::fprintf(stderr, "replay: no input files\n");
    return 1;
  }
  std::signal(SIGABRT, write_current_and_reraise);
  std::signal(SIGSEGV, write_current_and_reraise);
  for (const Bytes& input : inputs) run(input);
  std::printf("replay: %zu inputs, no invariant broken\n", inputs.size());
  if (mutate_seconds <= 0) return 0;

  const std::uint64_t seed = std::random_device{}();
  std::mt19937_64 rng(seed);
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(mutate_seconds);
  std::size_t runs = 0;
  Bytes work;
  while (std::chrono::steady_clock::now() < end) {
    work = inputs[rng() % inputs.size()];
    for (int k = 1 + static_cast<int>(rng() % 4); k > 0; --k) mutate(work, inputs, rng);
    run(work);
    ++runs;
  }
  std::printf("replay: %zu mutated inputs in %.0f s (seed %llu), no invariant broken\n", runs, mutate_seconds,
              static_cast<unsigned long long>(seed));
  return 0;
}
