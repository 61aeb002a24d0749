const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** A random URL-safe id of `length` characters from the injected randomness. */
export function randomId(random: () => number, length: number): string {
  let id = ''
  for (let index = 0; index < length; index++) id += ID_ALPHABET[Math.floor(random() * 64)]
  return id
}

/** A random version-4 UUID string from the injected randomness (member ids look like Kafka's). */
export function randomUuid(random: () => number): string {
  const hex = (count: number): string => {
    let text = ''
    for (let index = 0; index < count; index++) text += Math.floor(random() * 16).toString(16)
    return text
  }
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[Math.floor(random() * 4)]}${hex(3)}-${hex(12)}`
}
