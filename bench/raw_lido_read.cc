// raw_lido_read: the parsing ceiling for bench/import.sh. One pass of
// libxml2's xmlTextReader over a LIDO file with the options custos uses
// (no network, no DTD, compact), counting lido:lidoRecID elements; nothing is
// mapped or stored. Prints "N records in S s = R records/s".
//
//   raw_lido_read FILE.xml
#include <libxml/parser.h>
#include <libxml/xmlreader.h>

#include <chrono>
#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: raw_lido_read FILE.xml\n");
    return 2;
  }
  xmlInitParser();
  const auto t0 = std::chrono::steady_clock::now();
  xmlTextReaderPtr reader =
      xmlReaderForFile(argv[1], nullptr,
                       XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                           XML_PARSE_NOCDATA | XML_PARSE_COMPACT);
  if (reader == nullptr) {
    std::fprintf(stderr, "raw_lido_read: cannot read %s\n", argv[1]);
    return 1;
  }
  long records = 0;
  int rc;
  while ((rc = xmlTextReaderRead(reader)) == 1) {
    if (xmlTextReaderNodeType(reader) != XML_READER_TYPE_ELEMENT) continue;
    const xmlChar* ns = xmlTextReaderConstNamespaceUri(reader);
    const xmlChar* name = xmlTextReaderConstLocalName(reader);
    if (ns && name && std::strcmp(reinterpret_cast<const char*>(name), "lidoRecID") == 0 &&
        std::strcmp(reinterpret_cast<const char*>(ns), "http://www.lido-schema.org") == 0) {
      ++records;
    }
  }
  xmlFreeTextReader(reader);
  if (rc != 0) {
    std::fprintf(stderr, "raw_lido_read: %s is not well-formed\n", argv[1]);
    return 1;
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%ld records in %.2f s = %.0f records/s\n", records, s, records / s);
  return 0;
}
