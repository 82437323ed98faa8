#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "custos/archive/lido_reader.h"
#include "custos/archive/lido_writer.h"
#include "temp_dir.h"

namespace custos::archive {
using core::Status;
namespace {

namespace fs = std::filesystem;

const fs::path kExamples = fs::path(CUSTOS_SHARED_TESTDATA) / "lido" / "examples";
const std::string kXsd11 = std::string(CUSTOS_SHARED_TESTDATA) + "/lido/lido-v1.1.xsd";

std::vector<LidoRecord> ReadAll(const std::string& path, Status* status = nullptr) {
  std::vector<LidoRecord> out;
  Status s = ReadLidoFile(path, [&](LidoRecord&& r) {
    out.push_back(std::move(r));
    return Status::Ok();
  });
  if (status) *status = s;
  else EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

bool HasIdentifier(const core::Artifact& a, const std::string& type, const std::string& value) {
  for (const auto& id : a.identifiers) {
    if (id.type == type && id.value == value) return true;
  }
  return false;
}

TEST(LidoReaderTest, MapsTheLido11Example) {
  auto recs = ReadAll((kExamples / "LIDO-v1.1-Example_FMobj00154983-LaPrimavera.xml").string());
  ASSERT_EQ(recs.size(), 1u);
  ASSERT_TRUE(recs[0].artifact.ok()) << recs[0].artifact.status().ToString();
  const core::Artifact& a = *recs[0].artifact;
  EXPECT_EQ(recs[0].lido_rec_id, "DE-Mb112/lido-obj00154983");
  EXPECT_EQ(a.id, LidoArtifactId("DE-Mb112/lido-obj00154983"));
  EXPECT_TRUE(core::IsValidArtifactId(a.id));
  EXPECT_EQ(a.title, "La Primavera");
  EXPECT_EQ(a.object_type, "painting (visual work)");
  EXPECT_EQ(a.measurements, "203 x 314 cm");
  EXPECT_NE(a.maker.find("Botticelli"), std::string::npos) << a.maker;
  EXPECT_TRUE(HasIdentifier(a, "lido_rec_id", "DE-Mb112/lido-obj00154983"));
  EXPECT_TRUE(HasIdentifier(a, "inventory_number", "8360 (Inv. 1890)"));
  EXPECT_TRUE(HasIdentifier(a, "record_id", "00154983"));
  EXPECT_FALSE(a.materials.empty());
  EXPECT_TRUE(a.date.earliest.has_value());
  EXPECT_NE(a.source_lido.find("lidoRecID"), std::string::npos);
  EXPECT_NE(a.source_lido.find("xmlns:lido"), std::string::npos) << "namespace kept";
}

TEST(LidoReaderTest, MapsTheLido10Examples) {
  auto recs = ReadAll((kExamples / "minimaldatensatz.xml").string());
  ASSERT_EQ(recs.size(), 1u);
  ASSERT_TRUE(recs[0].artifact.ok()) << recs[0].artifact.status().ToString();
  EXPECT_EQ(recs[0].artifact->object_type, "Kabinettschrank");
  EXPECT_NE(recs[0].artifact->title.find("Kabinettschrank"), std::string::npos);

  auto fontana = ReadAll((kExamples / "LIDO-Example_FMobj20344012-Fontana_del_Moro.xml").string());
  ASSERT_EQ(fontana.size(), 3u);
  for (const auto& r : fontana) {
    ASSERT_TRUE(r.artifact.ok()) << r.artifact.status().ToString();
    EXPECT_FALSE(r.artifact->title.empty());
  }
  EXPECT_EQ(fontana[1].lido_rec_id, "DE-Mb112/lido-obj20344012,T,001");
  EXPECT_EQ(fontana[1].artifact->maker, "Porta, Giacomo della");
  EXPECT_NE(fontana[0].artifact->id, fontana[1].artifact->id);
}

TEST(LidoReaderTest, ReadsAWrapAndOaiPmhEnvelope) {
  std::string rec = R"(<lido:lido><lido:lidoRecID lido:type="local">R-%d</lido:lidoRecID>
    <lido:descriptiveMetadata xml:lang="en"><lido:objectClassificationWrap><lido:objectWorkTypeWrap>
    <lido:objectWorkType><lido:term>vase</lido:term></lido:objectWorkType></lido:objectWorkTypeWrap>
    </lido:objectClassificationWrap><lido:objectIdentificationWrap><lido:titleWrap><lido:titleSet>
    <lido:appellationValue>Vase %d</lido:appellationValue></lido:titleSet></lido:titleWrap>
    </lido:objectIdentificationWrap><lido:eventWrap><lido:eventSet><lido:event><lido:eventType>
    <lido:term>Acquisition</lido:term></lido:eventType><lido:eventActor><lido:displayActorInRole>Museo
    Civico</lido:displayActorInRole></lido:eventActor><lido:eventDate><lido:displayDate>1911</lido:displayDate>
    </lido:eventDate></lido:event></lido:eventSet></lido:eventWrap></lido:descriptiveMetadata></lido:lido>)";
  std::string body;
  for (int i = 0; i < 3; ++i) {
    char buf[2048];
    std::snprintf(buf, sizeof buf, rec.c_str(), i, i);
    body += buf;
  }
  std::string oai = R"(<?xml version="1.0"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">
    <ListRecords><record><metadata><lido:lidoWrap xmlns:lido="http://www.lido-schema.org">)" +
                    body + "</lido:lidoWrap></metadata></record></ListRecords></OAI-PMH>";
  std::vector<LidoRecord> recs;
  Status s = ReadLidoMemory(oai, [&](LidoRecord&& r) {
    recs.push_back(std::move(r));
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(recs.size(), 3u);
  ASSERT_TRUE(recs[2].artifact.ok()) << recs[2].artifact.status().ToString();
  EXPECT_EQ(recs[2].artifact->id, "R-2");
  EXPECT_EQ(recs[2].artifact->title, "Vase 2");
  EXPECT_EQ(recs[2].artifact->provenance_text, "acquired by Museo Civico, 1911.");
}

TEST(LidoReaderTest, RecordWithoutTitleIsRejectedAndOthersGoOn) {
  std::string xml = R"(<lido:lidoWrap xmlns:lido="http://www.lido-schema.org">
    <lido:lido><lido:lidoRecID>a</lido:lidoRecID><lido:descriptiveMetadata/></lido:lido>
    <lido:lido><lido:lidoRecID>b</lido:lidoRecID><lido:descriptiveMetadata><lido:objectClassificationWrap>
    <lido:objectWorkTypeWrap><lido:objectWorkType><lido:term>coin</lido:term></lido:objectWorkType>
    </lido:objectWorkTypeWrap></lido:objectClassificationWrap><lido:objectIdentificationWrap><lido:titleWrap>
    <lido:titleSet><lido:appellationValue>Coin</lido:appellationValue></lido:titleSet></lido:titleWrap>
    </lido:objectIdentificationWrap></lido:descriptiveMetadata></lido:lido></lido:lidoWrap>)";
  std::vector<LidoRecord> recs;
  ASSERT_TRUE(ReadLidoMemory(xml, [&](LidoRecord&& r) {
                recs.push_back(std::move(r));
                return Status::Ok();
              }).ok());
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_FALSE(recs[0].artifact.ok());
  EXPECT_TRUE(recs[1].artifact.ok());
}

struct HostileCase {
  const char* name;
  std::string xml;
};

std::string DeepNesting(int depth) {
  std::string s = R"(<lido:lido xmlns:lido="http://www.lido-schema.org">)";
  for (int i = 0; i < depth; ++i) s += "<a>";
  for (int i = 0; i < depth; ++i) s += "</a>";
  return s + "</lido:lido>";
}

TEST(LidoReaderTest, HostileXmlFailsCleanlyWithNoRecord) {
  const std::vector<HostileCase> cases = {
      {"billion laughs", R"(<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">
        <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
        <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
        <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
        <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
        <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
        <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
        <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
        <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
        <lido:lido xmlns:lido="http://www.lido-schema.org"><lido:lidoRecID>x</lido:lidoRecID>
        <lido:descriptiveMetadata><lido:objectIdentificationWrap><lido:titleWrap><lido:titleSet>
        <lido:appellationValue>&lol9;</lido:appellationValue></lido:titleSet></lido:titleWrap>
        </lido:objectIdentificationWrap></lido:descriptiveMetadata></lido:lido>)"},
      {"external entity", R"(<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
        <lido:lido xmlns:lido="http://www.lido-schema.org"><lido:lidoRecID>&xxe;</lido:lidoRecID></lido:lido>)"},
      {"external DTD", R"(<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://example.invalid/x.dtd">
        <lido:lido xmlns:lido="http://www.lido-schema.org"><lido:lidoRecID>y</lido:lidoRecID></lido:lido>)"},
      {"100000-deep nesting", DeepNesting(100000)},
      {"truncated", R"(<lido:lidoWrap xmlns:lido="http://www.lido-schema.org"><lido:lido><lido:lidoRecID>z)"},
      {"not LIDO", R"(<root><child/></root>)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    testing::TempDir tmp;
    std::string path = tmp.file("hostile.xml");
    std::ofstream(path) << c.xml;
    auto checked = CheckLidoFile(path);
    EXPECT_FALSE(checked.ok());
    EXPECT_FALSE(checked.status().message().empty());
    int delivered = 0;
    Status s = ReadLidoFile(path, [&](LidoRecord&& r) {
      if (r.artifact.ok()) {
        EXPECT_EQ(r.artifact->source_lido.find("root:"), std::string::npos);
      }
      ++delivered;
      return Status::Ok();
    });
    EXPECT_FALSE(s.ok());
    EXPECT_EQ(delivered, 0);
  }
}

TEST(LidoReaderTest, ArtifactIdsAreStableAndDistinct) {
  EXPECT_EQ(LidoArtifactId("ABC-1"), "ABC-1");
  std::string a = LidoArtifactId("DE-MUS/1"), b = LidoArtifactId("DE-MUS-1");
  EXPECT_NE(a, b);
  EXPECT_EQ(a, LidoArtifactId("DE-MUS/1"));
  EXPECT_TRUE(core::IsValidArtifactId(a));
  EXPECT_TRUE(core::IsValidArtifactId(LidoArtifactId(std::string(300, '/'))));
  EXPECT_TRUE(core::IsValidArtifactId(LidoArtifactId("new")));  // reserved as is
}

core::Artifact Sample() {
  core::Artifact a;
  a.id = "vase-7";
  a.title = "Red-figure krater <with> & \"quotes\"";
  a.object_type = "krater";
  a.materials = {"terracotta"};
  a.techniques = {"red-figure"};
  a.measurements = "H. 45 cm";
  a.inscriptions = "KALOS";
  a.maker = "Euphronios";
  a.culture = "Attic";
  a.date = {"c. 515 BCE", -520, -510};
  a.description = "A calyx krater.";
  a.identifiers = {{"inventory_number", "1972.11.10"}, {"interpol", "X-1"}};
  a.provenance_text = "excavated at Cerveteri, 1971; sold to Robert Hecht, 1972.";
  a.restricted = {{"case", "secret-case-42"}};
  return a;
}

TEST(LidoWriterTest, RecordValidatesAgainstTheLido11SchemaAndReadsBack) {
  auto xml = ArtifactToLidoXml(Sample());
  ASSERT_TRUE(xml.ok()) << xml.status().ToString();
  Status v = ValidateXmlAgainstXsd(*xml, kXsd11);
  EXPECT_TRUE(v.ok()) << v.ToString() << "\n" << *xml;
  EXPECT_EQ(xml->find("secret-case-42"), std::string::npos);
  std::vector<LidoRecord> back;
  ASSERT_TRUE(ReadLidoMemory(*xml, [&](LidoRecord&& r) {
                back.push_back(std::move(r));
                return Status::Ok();
              }).ok());
  ASSERT_EQ(back.size(), 1u);
  ASSERT_TRUE(back[0].artifact.ok()) << back[0].artifact.status().ToString();
  const auto& a = *back[0].artifact;
  EXPECT_EQ(a.id, "vase-7");
  EXPECT_EQ(a.title, Sample().title);
  EXPECT_EQ(a.maker, "Euphronios");
  EXPECT_EQ(a.materials, Sample().materials);
  EXPECT_EQ(a.techniques, Sample().techniques);
  EXPECT_EQ(a.date.earliest, -520);
  EXPECT_EQ(a.date.latest, -510);
  EXPECT_TRUE(HasIdentifier(a, "inventory_number", "1972.11.10"));
}

TEST(LidoWriterTest, ExamplesImportedAndExportedValidate) {
  testing::TempDir tmp;
  std::string out = tmp.file("wrap.xml");
  auto writer = LidoWrapWriter::Create(out);
  ASSERT_TRUE(writer.ok());
  int n = 0;
  for (const auto& f : fs::directory_iterator(kExamples)) {
    for (auto& r : ReadAll(f.path().string())) {
      ASSERT_TRUE(r.artifact.ok()) << f.path() << ": " << r.artifact.status().ToString();
      ASSERT_TRUE((*writer)->Add(*r.artifact).ok());
      ++n;
    }
  }
  ASSERT_TRUE((*writer)->Finish().ok());
  EXPECT_GE(n, 3);
  Status v = ValidateXmlFileAgainstXsd(out, kXsd11);
  EXPECT_TRUE(v.ok()) << v.ToString();
  auto count = CheckLidoFile(out);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, n);
}

TEST(LidoSchemaTest, ShippedSchemaValidatesTheExampleAndRejectsNonsense) {
  EXPECT_TRUE(ValidateXmlFileAgainstXsd(
                  (kExamples / "LIDO-v1.1-Example_FMobj00154983-LaPrimavera.xml").string(),
                  DefaultLidoSchemaPath())
                  .ok());
  Status bad = ValidateXmlAgainstXsd(
      R"(<lido:lido xmlns:lido="http://www.lido-schema.org"><lido:bogus/></lido:lido>)",
      DefaultLidoSchemaPath());
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("line"), std::string::npos);
}

}  // namespace
}  // namespace custos::archive
