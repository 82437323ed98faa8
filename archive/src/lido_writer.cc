// Artifact -> LIDO 1.1 with libxml2's xmlTextWriter. See lido_writer.h.
//
// Element order follows the sequences of lido-v1.1.xsd; the export tests
// validate the output against it.
#include "custos/archive/lido_writer.h"

#include <libxml/xmlwriter.h>

#include "custos/archive/lido_reader.h"
#include "custos/archive/xml_ptr.h"

namespace custos::archive {
namespace {

using WriterPtr = XmlPtr<xmlTextWriter, &xmlFreeTextWriter>;
using BufferPtr = XmlPtr<xmlBuffer, &xmlBufferFree>;

constexpr const char* kType = "http://terminology.lido-schema.org/lido00100";  // local identifier
constexpr const char* kLangAttr = "xml:lang";

const xmlChar* X(const char* s) { return reinterpret_cast<const xmlChar*>(s); }

// Accumulates the first failure of a sequence of libxml2 writer calls.
class W {
 public:
  explicit W(xmlTextWriter* w) : w_(w) {}
  void Start(const char* local) { Check(xmlTextWriterStartElementNS(w_, X("lido"), X(local), nullptr)); }
  void End() { Check(xmlTextWriterEndElement(w_)); }
  void Attr(const char* name, const std::string& v) {
    Check(xmlTextWriterWriteAttribute(w_, X(name), X(v.c_str())));
  }
  void LidoAttr(const char* local, const std::string& v) {
    Check(xmlTextWriterWriteAttributeNS(w_, X("lido"), X(local), nullptr, X(v.c_str())));
  }
  void Text(const std::string& v) { Check(xmlTextWriterWriteString(w_, X(v.c_str()))); }
  void Leaf(const char* local, const std::string& v) {
    Start(local);
    Text(v);
    End();
  }
  void Term(const char* wrapper, const std::string& v) {
    Start(wrapper);
    Leaf("term", v);
    End();
  }
  void Check(int rc) {
    if (rc < 0) ok_ = false;
  }
  bool ok() const { return ok_; }

 private:
  xmlTextWriter* w_;
  bool ok_ = true;
};

std::string YearString(int y) {
  // xs:gYear-like: at least four digits, '-' for BCE.
  std::string digits = std::to_string(y < 0 ? -y : y);
  while (digits.size() < 4) digits = "0" + digits;
  return (y < 0 ? "-" : "") + digits;
}

std::string Lang(const core::Artifact& a) { return a.language.empty() ? "en" : a.language; }

void WriteRecord(W& w, const core::Artifact& a, bool declare_namespace) {
  w.Start("lido");
  if (declare_namespace) {
    w.Attr("xmlns:lido", std::string(kLidoNamespace));
  }
  w.Start("lidoRecID");
  w.LidoAttr("source", "custos");
  w.LidoAttr("type", kType);
  w.Text(a.id);
  w.End();

  w.Start("descriptiveMetadata");
  w.Attr(kLangAttr, Lang(a));
  w.Start("objectClassificationWrap");
  w.Start("objectWorkTypeWrap");
  w.Term("objectWorkType", a.object_type);
  w.End();
  w.End();  // objectClassificationWrap

  w.Start("objectIdentificationWrap");
  w.Start("titleWrap");
  w.Start("titleSet");
  w.Leaf("appellationValue", a.title);
  w.End();
  w.End();
  if (!a.inscriptions.empty()) {
    w.Start("inscriptionsWrap");
    w.Start("inscriptions");
    w.Leaf("inscriptionTranscription", a.inscriptions);
    w.End();
    w.End();
  }
  std::vector<const core::Identifier*> inventory;
  for (const auto& id : a.identifiers) {
    if (id.type == "inventory_number") inventory.push_back(&id);
  }
  if (!inventory.empty()) {
    w.Start("repositoryWrap");
    w.Start("repositorySet");
    for (const auto* id : inventory) {
      w.Start("workID");
      w.LidoAttr("type", "inventory number");
      w.Text(id->value);
      w.End();
    }
    w.End();
    w.End();
  }
  if (!a.description.empty() || !a.provenance_text.empty() || !a.distinguishing_features.empty()) {
    w.Start("objectDescriptionWrap");
    auto set = [&w](const char* type, const std::string& text) {
      if (text.empty()) return;
      w.Start("objectDescriptionSet");
      if (type) w.LidoAttr("type", type);
      w.Leaf("descriptiveNoteValue", text);
      w.End();
    };
    set(nullptr, a.description);
    set("distinguishing features", a.distinguishing_features);
    set("provenance", a.provenance_text);
    w.End();
  }
  if (!a.measurements.empty()) {
    w.Start("objectMeasurementsWrap");
    w.Start("objectMeasurementsSet");
    w.Leaf("displayObjectMeasurements", a.measurements);
    w.End();
    w.End();
  }
  w.End();  // objectIdentificationWrap

  const bool production = !a.maker.empty() || !a.culture.empty() || !a.date.display.empty() ||
                          a.date.earliest || a.date.latest || !a.materials.empty() ||
                          !a.techniques.empty();
  if (production) {
    w.Start("eventWrap");
    w.Start("eventSet");
    w.Start("event");
    w.Start("eventType");
    w.Start("conceptID");
    w.LidoAttr("type", "http://terminology.lido-schema.org/lido00099");  // URI
    w.Text("http://terminology.lido-schema.org/lido00007");
    w.End();
    w.Leaf("term", "Production");
    w.End();
    if (!a.maker.empty()) {
      w.Start("eventActor");
      w.Leaf("displayActorInRole", a.maker);
      w.Start("actorInRole");
      w.Start("actor");
      w.Start("nameActorSet");
      w.Leaf("appellationValue", a.maker);
      w.End();
      w.End();
      w.End();
      w.End();
    }
    if (!a.culture.empty()) w.Term("culture", a.culture);
    if (!a.date.display.empty() || a.date.earliest || a.date.latest) {
      w.Start("eventDate");
      if (!a.date.display.empty()) w.Leaf("displayDate", a.date.display);
      if (a.date.earliest || a.date.latest) {
        int e = a.date.earliest ? *a.date.earliest : *a.date.latest;
        int l = a.date.latest ? *a.date.latest : *a.date.earliest;
        w.Start("date");
        w.Leaf("earliestDate", YearString(e));
        w.Leaf("latestDate", YearString(l));
        w.End();
      }
      w.End();
    }
    if (!a.materials.empty() || !a.techniques.empty()) {
      w.Start("eventMaterialsTech");
      std::string display;
      for (const auto& m : a.materials) display += (display.empty() ? "" : ", ") + m;
      for (const auto& t : a.techniques) display += (display.empty() ? "" : ", ") + t;
      w.Leaf("displayMaterialsTech", display);
      w.Start("materialsTech");
      for (const auto& m : a.materials) {
        w.Start("termMaterialsTech");
        w.LidoAttr("type", "material");
        w.Leaf("term", m);
        w.End();
      }
      for (const auto& t : a.techniques) {
        w.Start("termMaterialsTech");
        w.LidoAttr("type", "technique");
        w.Leaf("term", t);
        w.End();
      }
      w.End();
      w.End();
    }
    w.End();  // event
    w.End();  // eventSet
    w.End();  // eventWrap
  }
  w.End();  // descriptiveMetadata

  w.Start("administrativeMetadata");
  w.Attr(kLangAttr, Lang(a));
  w.Start("recordWrap");
  w.Start("recordID");
  w.LidoAttr("type", kType);
  w.Text(a.id);
  w.End();
  w.Term("recordType", "item");
  w.Start("recordSource");
  w.Start("legalBodyName");
  w.Leaf("appellationValue", "custos");
  w.End();
  w.End();
  w.End();  // recordWrap
  w.End();  // administrativeMetadata
  w.End();  // lido
}

}  // namespace

Result<std::string> ArtifactToLidoXml(const core::Artifact& a) {
  BufferPtr buf(xmlBufferCreate());
  if (!buf) return Status::Internal("out of memory");
  WriterPtr writer(xmlNewTextWriterMemory(buf.get(), 0));
  if (!writer) return Status::Internal("cannot create XML writer");
  xmlTextWriterSetIndent(writer.get(), 1);
  W w(writer.get());
  w.Check(xmlTextWriterStartDocument(writer.get(), nullptr, "UTF-8", nullptr));
  WriteRecord(w, a, /*declare_namespace=*/true);
  w.Check(xmlTextWriterEndDocument(writer.get()));
  writer.reset();  // flushes into buf
  if (!w.ok()) return Status::Internal("LIDO writer failed for " + a.id);
  return std::string(reinterpret_cast<const char*>(xmlBufferContent(buf.get())),
                     static_cast<size_t>(xmlBufferLength(buf.get())));
}

Result<std::string> ArtifactToLidoElement(const core::Artifact& a) {
  BufferPtr buf(xmlBufferCreate());
  if (!buf) return Status::Internal("out of memory");
  WriterPtr writer(xmlNewTextWriterMemory(buf.get(), 0));
  if (!writer) return Status::Internal("cannot create XML writer");
  W w(writer.get());
  WriteRecord(w, a, /*declare_namespace=*/true);
  w.Check(xmlTextWriterFlush(writer.get()));
  writer.reset();
  if (!w.ok()) return Status::Internal("LIDO writer failed for " + a.id);
  return std::string(reinterpret_cast<const char*>(xmlBufferContent(buf.get())),
                     static_cast<size_t>(xmlBufferLength(buf.get())));
}

struct LidoWrapWriter::Impl {
  WriterPtr writer;
  std::string path;
  bool finished = false;
};

LidoWrapWriter::LidoWrapWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LidoWrapWriter::~LidoWrapWriter() = default;

Result<std::unique_ptr<LidoWrapWriter>> LidoWrapWriter::Create(const std::string& path) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->writer.reset(xmlNewTextWriterFilename(path.c_str(), 0));
  if (!impl->writer) return Status::IOError("cannot create " + path);
  xmlTextWriterSetIndent(impl->writer.get(), 1);
  W w(impl->writer.get());
  w.Check(xmlTextWriterStartDocument(impl->writer.get(), nullptr, "UTF-8", nullptr));
  w.Start("lidoWrap");
  w.Attr("xmlns:lido", std::string(kLidoNamespace));
  if (!w.ok()) return Status::IOError("cannot write " + path);
  return std::unique_ptr<LidoWrapWriter>(new LidoWrapWriter(std::move(impl)));
}

Status LidoWrapWriter::Add(const core::Artifact& a) {
  if (impl_->finished) return Status::InvalidArgument("writer already finished");
  W w(impl_->writer.get());
  WriteRecord(w, a, /*declare_namespace=*/false);
  if (!w.ok()) return Status::IOError("cannot write " + impl_->path);
  return Status::Ok();
}

Status LidoWrapWriter::Finish() {
  if (impl_->finished) return Status::Ok();
  impl_->finished = true;
  int rc = xmlTextWriterEndDocument(impl_->writer.get());  // closes lidoWrap
  int flushed = xmlTextWriterFlush(impl_->writer.get());
  impl_->writer.reset();
  if (rc < 0 || flushed < 0) return Status::IOError("cannot write " + impl_->path);
  return Status::Ok();
}

}  // namespace custos::archive
