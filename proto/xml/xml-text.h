/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xml-text: the one escaping rule for text hafence writes into XML (an
 * XML-RPC request's strings, a RIBCL login's account and password): the
 * markup characters and a carriage return as references (a bare CR would
 * become a newline in the server's end-of-line handling).  What libxml2's
 * xmlEncodeSpecialChars wrote, without libxml2.
 */
#ifndef HAFENCE_XML_TEXT_H
#define HAFENCE_XML_TEXT_H

/* The reference that stands for c, or NULL when c is written as it is. */
static inline const char *xml_reference_for(char c)
{
    return c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '"' ? "&quot;" : c == '\r' ? "&#13;" : 0;
}

#endif
